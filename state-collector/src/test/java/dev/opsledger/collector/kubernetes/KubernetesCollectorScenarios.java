package dev.opsledger.collector.kubernetes;

import static dev.opsledger.collector.support.ObservedLog.absent;
import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.collector.support.ObservedLog.failed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.collector.support.Collectors;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes side of the collector, publishing to the shared broker, against the sandbox's API
 * emulator ({@link KubernetesCollectorIT}) and a real kube-apiserver ({@link
 * KubernetesCollectorRealIT}). Objects are written as another user of the cluster would ({@link
 * #put}, {@link #delete}); each test has its own target and namespace.
 */
abstract class KubernetesCollectorScenarios {

  protected Collectors collector;
  protected ObservedLog log;
  protected String target;
  protected String ns;

  /** Gets the cluster ready for a test in {@link #ns}. */
  protected abstract void prepare();

  /** A new client for the collector (it closes it). */
  protected abstract KubernetesClient collectorClient();

  /** A client for the test's own writes. */
  protected abstract KubernetesClient admin();

  /** Creates or replaces an object, its status included, as a user or controller would. */
  protected abstract void put(HasMetadata object);

  /** Deletes an object. */
  protected abstract void delete(String apiVersion, String kind, String namespace, String name);

  /** Releases what {@link #prepare()} took. */
  protected void release() {}

  @BeforeEach
  void start() {
    target = "k8s-" + UUID.randomUUID().toString().substring(0, 8);
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    prepare();
    collector = new Collectors(target, collectorClient(), Duration.ofMinutes(10), List.of());
    log = new ObservedLog(target);
  }

  @AfterEach
  void stop() {
    log.close();
    collector.close();
    release();
  }

  @Test
  void reportsAnObjectWhenAddedChangedAndDeleted() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "web");
    collector.declare(key, "v1");
    put(configMap("web", Map.of("k", "1"), Map.of()));
    await("the new ConfigMap is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("k").asText().equals("1"))));

    put(configMap("web", Map.of("k", "2"), Map.of()));
    await("the change is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("k").asText().equals("2"))));

    delete("v1", "ConfigMap", ns, "web");
    await("the deletion is observed").until(() -> log.has(absent(key, "deleted")));

    ObservedStateChanged first = (ObservedStateChanged) log.of(key).get(0);
    assertThat(first.live().path("metadata").has("resourceVersion")).isFalse();
    assertThat(first.live().path("metadata").has("uid")).isFalse();
    assertThat(first.resourceVersion()).isNotEmpty();
    assertThat(first.managed()).isFalse();
    assertThat(log.of(key)).hasSize(3);
  }

  @Test
  void aStatusOnlyChangeEmitsNothing() {
    ResourceKey key = ResourceKey.of(target, "apps", "Deployment", ns, "api");
    collector.declare(key, "apps/v1");
    put(deployment("api", 1, Map.of()));
    await("the Deployment is observed").until(() -> log.has(changed(key)));

    put(deployment("api", 3, Map.of()));
    put(deployment("api", 5, Map.of()));
    // A real change after the status-only ones: once it is on the topic, anything the status
    // changes caused would be there before it.
    put(deployment("api", 5, Map.of("tier", "backend")));
    await("the label change is observed")
        .until(
            () ->
                log.has(
                    changed(
                        key,
                        c ->
                            c.live()
                                .path("metadata")
                                .path("labels")
                                .path("tier")
                                .asText()
                                .equals("backend"))));

    // Declared before it existed, so a not-found came first; then exactly the two real changes.
    assertThat(log.of(key))
        .filteredOn(ObservedStateChanged.class::isInstance)
        .hasSize(2)
        .allMatch(e -> !((ObservedStateChanged) e).live().has("status"));
  }

  @Test
  void reportsWhatOpsLedgerAppliedButNeitherOtherManagersNorARepeatedApply() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "owned");
    collector.declare(key, "v1");
    applyAs("opsledger", configMap("owned", Map.of("k", "1"), Map.of("tier", "a")));
    await("the ConfigMap is observed").until(() -> log.has(changed(key)));

    applyAs("opsledger", configMap("owned", Map.of("k", "1"), Map.of("tier", "a")));
    applyAs("someone-else", configMap("owned", Map.of("k", "1"), Map.of()));
    applyAs("opsledger", configMap("owned", Map.of("k", "1", "j", "2"), Map.of("tier", "a")));
    await("the next change is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("j").asText().equals("2"))));

    List<ObservedStateChanged> changes =
        log.of(key).stream()
            .filter(ObservedStateChanged.class::isInstance)
            .map(ObservedStateChanged.class::cast)
            .toList();
    assertThat(changes).hasSize(2);
    JsonNode entries = changes.get(1).live().path("metadata").path("managedFields");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).path("manager").asText()).isEqualTo("opsledger");
    assertThat(entries.get(0).path("operation").asText()).isEqualTo("Apply");
    assertThat(entries.get(0).has("time")).isFalse();
    assertThat(entries.get(0).at("/fieldsV1/f:data").has("f:j")).isTrue();
    assertThat(entries.get(0).at("/fieldsV1/f:metadata/f:labels").has("f:tier")).isTrue();
  }

  @Test
  void aFullResyncEmitsNothingWhenNothingChanged() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "quiet");
    collector.declare(key, "v1");
    put(configMap("quiet", Map.of("k", "1"), Map.of()));
    await("the ConfigMap is observed").until(() -> log.has(changed(key)));

    collector.cluster().resync().join();
    collector.cluster().resync().join();
    put(configMap("quiet", Map.of("k", "2"), Map.of()));
    await("the next change is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("k").asText().equals("2"))));

    assertThat(log.of(key)).hasSize(2);
    assertThat(collector.registry.find("opsledger.collector.resync.duration").timer().count())
        .isEqualTo(2);
  }

  @Test
  void reportsADeclaredResourceWithNoLiveObjectAsNotFoundOnce() {
    ResourceKey present = ResourceKey.of(target, "", "ConfigMap", ns, "present");
    ResourceKey missing = ResourceKey.of(target, "", "ConfigMap", ns, "missing");
    put(configMap("present", Map.of("k", "1"), Map.of()));
    collector.declare(present, "v1");
    collector.declare(missing, "v1");
    await("the missing one is reported").until(() -> log.has(absent(missing, "not-found")));

    collector.declare(missing, "v1");
    collector.cluster().resync().join();
    put(configMap("missing", Map.of("k", "1"), Map.of()));
    await("it appears").until(() -> log.has(changed(missing)));

    assertThat(log.of(missing)).hasSize(2);
    assertThat(log.of(present)).hasSize(1);
  }

  @Test
  void reportsManagedObjectsOfAKindEvenWhenTheirDeclarationWasRemoved() {
    ResourceKey declared = ResourceKey.of(target, "", "ConfigMap", ns, "declared");
    ResourceKey orphan = ResourceKey.of(target, "", "ConfigMap", ns, "orphan");
    collector.declare(declared, "v1");
    collector.declare(orphan, "v1");
    collector.undeclare(orphan);
    put(configMap("orphan", Map.of("k", "1"), Map.of("app.kubernetes.io/managed-by", "opsledger")));

    await("the managed orphan is observed")
        .until(() -> log.has(changed(orphan, ObservedStateChanged::managed)));
  }

  @Test
  void reportsTheUidOfEachIncarnationOfANameOutsideTheContent() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "again");
    collector.declare(key, "v1");
    Map<String, String> managedBy = Map.of("app.kubernetes.io/managed-by", "opsledger");
    put(configMap("again", Map.of("k", "1"), managedBy));
    String firstUid = liveUid("again");
    await("the first object is observed with its uid")
        .until(() -> log.has(changed(key, c -> firstUid.equals(c.uid()))));

    delete("v1", "ConfigMap", ns, "again");
    await("the deletion is observed").until(() -> log.has(absent(key, "deleted")));
    put(configMap("again", Map.of("k", "1"), managedBy));
    String secondUid = liveUid("again");
    await("the recreated object is observed with its own uid")
        .until(() -> log.has(changed(key, c -> secondUid.equals(c.uid()))));

    List<ObservedStateChanged> changes =
        log.of(key).stream()
            .filter(ObservedStateChanged.class::isInstance)
            .map(ObservedStateChanged.class::cast)
            .toList();
    assertThat(secondUid).isNotEqualTo(firstUid);
    assertThat(changes).extracting(ObservedStateChanged::uid).containsExactly(firstUid, secondUid);
    assertThat(changes.get(1).contentHash()).isEqualTo(changes.get(0).contentHash());
    assertThat(changes.get(1).live().path("metadata").has("uid")).isFalse();
  }

  private String liveUid(String name) {
    return admin().configMaps().inNamespace(ns).withName(name).get().getMetadata().getUid();
  }

  @Test
  void watchesACustomResourceOnceItsDefinitionIsCreated() {
    ResourceKey widget = ResourceKey.of(target, "example.com", "Widget", ns, "w1");
    ResourceKey kind = ResourceKey.of(target, "example.com", "Widget", "", "*");
    ResourceKey other = ResourceKey.of(target, "", "ConfigMap", ns, "meanwhile");
    collector.declare(widget, "example.com/v1");
    collector.declare(other, "v1");
    await("the unknown kind is reported").until(() -> log.has(failed(kind, "UnknownKind")));
    put(configMap("meanwhile", Map.of("k", "1"), Map.of()));
    await("other kinds keep flowing").until(() -> log.has(changed(other)));

    admin()
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("example.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .withSingular("widget")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
    // A real API server serves the kind once the definition is established, a moment later.
    await("the Widget is accepted")
        .ignoreExceptions()
        .until(
            () -> {
              put(widget("w1", "blue"));
              return true;
            });

    await("the custom resource is observed")
        .until(
            () ->
                log.has(
                    changed(
                        widget, c -> c.live().path("spec").path("color").asText().equals("blue"))));
  }

  @Test
  void reportsAnObjectOfAClusterScopedCustomKindUnderTheNamespacedKeyThatDeclaresIt() {
    // Its CRD is not in Git, so the git-watcher keyed the manifest with the namespace it was
    // written with; the object lives at cluster scope.
    String group = "g" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    ResourceKey declared = ResourceKey.of(target, group, "Gadget", ns, "g1");
    ResourceKey live = ResourceKey.of(target, group, "Gadget", "", "g1");
    createClusterScopedCrd(group, "Gadget", "gadgets");
    GenericKubernetesResource gadget =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(group + "/v1")
            .withKind("Gadget")
            .withNewMetadata()
            .withName("g1")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("size", 3)))
            .build();
    await("the Gadget is accepted")
        .ignoreExceptions()
        .until(
            () -> {
              put(gadget);
              return true;
            });

    collector.declare(declared, group + "/v1");

    await("the Gadget is observed under its declared key")
        .until(
            () ->
                log.has(
                    changed(
                        declared,
                        c ->
                            c.live().path("spec").path("size").asInt() == 3
                                && !c.live().path("metadata").has("namespace"))));
    assertThat(log.of(live)).isEmpty();
    assertThat(
            collector
                .registry
                .counter(
                    "opsledger.collector.namespace.ignored", "target", target, "kind", "Gadget")
                .count())
        .isEqualTo(1.0);

    admin()
        .genericKubernetesResources(
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1")
                .withKind("Gadget")
                .withPlural("gadgets")
                .withNamespaced(false)
                .build())
        .withName("g1")
        .delete();
    await("its deletion is observed under its declared key")
        .until(() -> log.has(absent(declared, "deleted")));
    assertThat(log.of(live)).isEmpty();
  }

  protected void createClusterScopedCrd(String group, String kind, String plural) {
    admin()
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Cluster")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  /** Server-side apply of {@code object} as {@code manager}, without force (equal values share). */
  protected void applyAs(String manager, HasMetadata object) {
    admin().resource(object).fieldManager(manager).serverSideApply();
  }

  protected io.fabric8.kubernetes.api.model.ConfigMap configMap(
      String name, Map<String, String> data, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withData(data)
        .build();
  }

  protected io.fabric8.kubernetes.api.model.apps.Deployment deployment(
      String name, int observedGeneration, Map<String, String> labels) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("nginx:1.27")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        // Valid for a real API server: readyReplicas may not exceed replicas.
        .withReplicas(2)
        .withObservedGeneration((long) observedGeneration)
        .withReadyReplicas(observedGeneration % 3)
        .endStatus()
        .build();
  }

  protected GenericKubernetesResource widget(String name, String color) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("example.com/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("color", color)))
        .build();
  }
}
