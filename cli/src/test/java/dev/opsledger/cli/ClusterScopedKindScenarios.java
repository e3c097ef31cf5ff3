package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest of a cluster-scoped custom kind written with a {@code metadata.namespace} converges,
 * as {@code opsledger up} runs it: applied at cluster scope, observed, in sync, never Missing;
 * whether its CustomResourceDefinition comes in the same commit (the git-watcher reads its scope)
 * or was installed out of band (the applier, the collector and the differ rely on discovery).
 * Against the emulator ({@link ClusterScopedKindE2E}) and a real kube-apiserver ({@link
 * ClusterScopedKindRealE2E}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterScopedKindScenarios {

  private static final String TARGET = "scope";
  private static final String IN_GIT = "ingit.example.dev";
  private static final String OUT_OF_BAND = "outofband.example.dev";

  // Static: one directory for the whole ordered class (an instance field would be per test).
  @TempDir static Path dir;

  /** The cluster's kubeconfig, or {@code null} for the emulator {@code up} starts. */
  protected abstract Path kubeconfig();

  /** A client for the cluster the pipeline applies to. */
  protected abstract KubernetesClient client();

  private GitFixture git;
  protected Launcher.Running running;

  @BeforeAll
  void start() throws IOException {
    git = GitFixture.create(dir.resolve("git"));
    running =
        Launcher.start(
            new Launcher.Settings(
                dir.resolve("data"),
                git.remoteUrl(),
                "main",
                "",
                kubeconfig(),
                null,
                TARGET,
                true,
                true,
                true,
                0,
                0,
                0,
                0,
                0,
                "1s",
                null,
                Map.of()));
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    git.close();
  }

  @Test
  @Order(1)
  void aNamespacedObjectOfAClusterScopedKindWhoseCrdIsInTheSameCommitConverges() {
    git.commit("Add gadgets")
        .write("crds/gadgets.yaml", crd(IN_GIT, "Gadget", "gadgets"))
        .write("apps/gadget.yaml", object(IN_GIT, "Gadget", "g1", 3))
        .push();
    ResourceKey key = ResourceKey.of(TARGET, IN_GIT, "Gadget", "", "g1");

    await("the Gadget is created at cluster scope")
        .until(() -> live(IN_GIT, "Gadget", "g1") != null);
    awaitInSync(key);
    assertThat(live(IN_GIT, "Gadget", "g1").getMetadata().getNamespace()).isNull();
    assertThat(events(Topic.COMMITS)).noneMatch(e -> e.data() instanceof CommitRejected);
    assertThat(events(Topic.DESIRED))
        .filteredOn(e -> e.data() instanceof DesiredStateChanged d && d.resource().equals(key))
        .singleElement()
        .satisfies(
            e ->
                assertThat(
                        ((DesiredStateChanged) e.data())
                            .manifest()
                            .path("metadata")
                            .has("namespace"))
                    .as("the namespace Git wrote is dropped")
                    .isFalse());
  }

  @Test
  @Order(2)
  void aNamespacedObjectOfAClusterScopedKindWhoseCrdIsInstalledOutOfBandConvergesAndHeals() {
    client()
        .load(
            new ByteArrayInputStream(
                crd(OUT_OF_BAND, "Doohickey", "doohickeys").getBytes(StandardCharsets.UTF_8)))
        .create();
    git.commit("Add a doohickey")
        .write("apps/doohickey.yaml", object(OUT_OF_BAND, "Doohickey", "d1", 3))
        .push();
    // Git cannot know the kind's scope: the key keeps the namespace the manifest names.
    ResourceKey key = ResourceKey.of(TARGET, OUT_OF_BAND, "Doohickey", "shop", "d1");

    await("the Doohickey is created at cluster scope")
        .until(() -> live(OUT_OF_BAND, "Doohickey", "d1") != null);
    awaitInSync(key);
    assertThat(live(OUT_OF_BAND, "Doohickey", "d1").getMetadata().getNamespace()).isNull();

    // Observed under its key and compared field by field, not only found: a live edit is healed.
    resource(OUT_OF_BAND, "Doohickey", "d1")
        .edit(
            d -> {
              d.setAdditionalProperty("spec", Map.of("size", 9));
              return d;
            });
    await("the live edit is reverted")
        .until(
            () ->
                ((Map<?, ?>)
                        live(OUT_OF_BAND, "Doohickey", "d1").getAdditionalProperties().get("spec"))
                    .get("size")
                    .equals(3));
    awaitInSync(key);
  }

  private void awaitInSync(ResourceKey key) {
    await("in sync: " + key)
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                CurrentState.read(running.bootstrapServers()).resources().stream()
                    .anyMatch(r -> r.resource().equals(key) && "InSync".equals(r.syncState())));
  }

  private List<LoggedEvent> events(Topic topic) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return reader.read(EnumSet.of(topic), null, null).stream()
          .filter(LoggedEvent::readable)
          .toList();
    }
  }

  private GenericKubernetesResource live(String group, String kind, String name) {
    return resource(group, kind, name).get();
  }

  private Resource<GenericKubernetesResource> resource(String group, String kind, String name) {
    return client()
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1")
                .withKind(kind)
                .withPlural(kind.toLowerCase(java.util.Locale.ROOT) + "s")
                .withNamespaced(false)
                .build())
        .withName(name);
  }

  /** A manifest written as if its kind were namespaced. */
  private static String object(String group, String kind, String name, int size) {
    return """
        apiVersion: %s/v1
        kind: %s
        metadata:
          name: %s
          namespace: shop
        spec:
          size: %d
        """
        .formatted(group, kind, name, size);
  }

  private static String crd(String group, String kind, String plural) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %s.%s
        spec:
          group: %s
          scope: Cluster
          names:
            plural: %s
            singular: %s
            kind: %s
            listKind: %sList
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """
        .formatted(
            plural, group, group, plural, kind.toLowerCase(java.util.Locale.ROOT), kind, kind);
  }
}
