package dev.opsledger.applier;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.web.ManagementServer;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Kubernetes scenarios of the applier, run against the sandbox emulator ({@link
 * KubernetesApplyIT}) and against a real API server ({@link KubernetesApplyE2E}). Each test works
 * in its own namespace and reads only the events of its resources.
 *
 * <p>Sources configured by the subclasses: {@value #AUTO} (defaults), {@value #MANUAL} (auto-sync
 * off), {@value #PRUNE} (prune on), {@value #NO_HEAL} (self-heal off), {@value #DRY_RUN} (dry-run).
 */
public abstract class KubernetesScenarios {

  static final String AUTO = "auto";
  static final String MANUAL = "manual";
  static final String PRUNE = "prune";
  static final String NO_HEAL = "noheal";
  static final String DRY_RUN = "dryrun";
  static final String NO_FORCE = "noforce";

  /** The approver token of Ada, configured by {@link #POLICIES}. */
  static final String ADA_TOKEN = "ada-approves-0123456789abcdef";

  /** Properties every subclass sets: the sources' policies and short retries. */
  static final String[] POLICIES = {
    "opsledger.applier.sources.manual.auto-sync=false",
    "opsledger.applier.sources.prune.prune=true",
    "opsledger.applier.sources.noheal.self-heal=false",
    "opsledger.applier.sources.dryrun.dry-run=true",
    "opsledger.applier.sources.noforce.force-conflicts=false",
    "opsledger.applier.retry.initial-backoff=200ms",
    "opsledger.applier.retry.max-backoff=1s",
    "opsledger.applier.management.address=127.0.0.1",
    "opsledger.applier.management.port=0",
    "opsledger.applier.management.tokens[Ada <ada@example.org>]=" + KubernetesScenarios.ADA_TOKEN,
    "opsledger.secrets.key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDE="
  };

  @Autowired protected EventPublisher publisher;
  @Autowired protected ApplyEngine engine;

  @LocalServerPort protected int httpPort;
  @Autowired protected ManagementServer management;

  protected final String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);

  /** The cluster under test. */
  protected abstract KubernetesClient cluster();

  /** The target name of the cluster in resource keys. */
  protected abstract String target();

  /**
   * Does the garbage collector's part for a ConfigMap being deleted, on a server where none runs:
   * prunes use {@code Foreground} propagation, which leaves the object with a finalizer until the
   * collector has seen to its dependents. Nothing to do by default.
   */
  protected void collectGarbage(ResourceKey key) {}

  /** The tail of {@code opsledger.applies} for {@link #target()}. */
  protected abstract LogTail tail();

  @BeforeEach
  void startTail() {
    tail();
  }

  @AfterEach
  void deleteNamespace() {
    cluster().namespaces().withName(ns).delete();
  }

  @Test
  void createsAMissingObjectLabelledAndAnnotatedAsOpsLedgers() {
    createNamespace();
    ResourceKey key = configMapKey("created");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    var diff = missing(key, AUTO, rev);

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    ConfigMap live = liveConfigMap(key);
    assertThat(live.getData()).containsEntry("a", "1");
    assertThat(live.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "opsledger");
    assertThat(live.getMetadata().getAnnotations())
        .containsEntry("opsledger.dev/source", AUTO)
        .containsEntry("opsledger.dev/revision", rev);
    EventEnvelope<OpsLedgerEvent> started = only(diff, ApplyStarted.class);
    assertThat(started.correlation()).isEqualTo(rev);
    assertThat(started.subject()).isEqualTo(key.toString());
  }

  @Test
  void patchesTheObjectWhenANewRevisionDrifts() {
    createNamespace();
    ResourceKey key = configMapKey("patched");
    String r1 = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, AUTO, r1));
    String r2 = declare(key, AUTO, configMap(key, Map.of("a", "2")));

    assertThat(succeeded(drift(key, AUTO, r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    assertThat(liveConfigMap(key).getData()).containsEntry("a", "2");
  }

  @Test
  void removesALabelAnEnvVarAndAPortThatANewRevisionNoLongerDeclares() {
    createNamespace();
    ResourceKey key = deploymentKey("trimmed");
    String r1 = declare(key, AUTO, deployment(key, true, null));
    succeeded(missing(key, AUTO, r1));
    assertThat(liveDeployment(key).getMetadata().getLabels()).containsEntry("tier", "frontend");
    String r2 = declare(key, AUTO, deployment(key, false, null));

    assertThat(succeeded(drift(key, AUTO, r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    Deployment live = liveDeployment(key);
    assertThat(live.getMetadata().getLabels())
        .doesNotContainKey("tier")
        .containsEntry("app.kubernetes.io/managed-by", "opsledger");
    var container = live.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(80);
    assertThat(container.getEnv()).extracting(e -> e.getName()).containsExactly("LOG_LEVEL");
  }

  @Test
  void leavesReplicasToAnotherManagerWhenGitDoesNotDeclareThem() {
    createNamespace();
    ResourceKey key = deploymentKey("autoscaled");
    String r1 = declare(key, AUTO, deployment(key, true, null));
    succeeded(missing(key, AUTO, r1));
    cluster()
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(key.name())
        .edit(
            d -> {
              d.getSpec().setReplicas(4); // as an HorizontalPodAutoscaler would
              return d;
            });
    String r2 = declare(key, AUTO, deployment(key, false, null));

    assertThat(succeeded(drift(key, AUTO, r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    Deployment live = liveDeployment(key);
    assertThat(live.getMetadata().getLabels()).doesNotContainKey("tier");
    assertThat(live.getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  void reportsUnchangedWhenTheLiveObjectAlreadyHasTheDesiredState() {
    createNamespace();
    ResourceKey key = configMapKey("unchanged");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, AUTO, rev));
    String before = liveConfigMap(key).getMetadata().getResourceVersion();

    assertThat(succeeded(missing(key, AUTO, rev)).outcome()).isEqualTo(ApplyOutcome.UNCHANGED);
    assertThat(liveConfigMap(key).getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void leavesAnExtraneousObjectAloneWhenPruneIsOff() {
    createNamespace();
    ResourceKey key = configMapKey("kept");
    String r1 = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, AUTO, r1));
    String r2 = remove(key, AUTO);

    assertThat(skipped(extraneous(key, AUTO, r2)).policy()).isEqualTo("prune-disabled");
    assertThat(liveConfigMap(key)).isNotNull();
  }

  @Test
  void prunesAnExtraneousObjectWhenPruneIsOn() {
    createNamespace();
    ResourceKey key = configMapKey("pruned");
    String r1 = declare(key, PRUNE, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, PRUNE, r1));
    String r2 = remove(key, PRUNE);

    assertThat(succeeded(extraneous(key, PRUNE, r2)).outcome()).isEqualTo(ApplyOutcome.DELETED);
    await("the pruned ConfigMap is gone")
        .until(
            () -> {
              collectGarbage(key);
              return liveConfigMap(key) == null;
            });
  }

  @Test
  void neverPrunesASameNamedObjectSomeoneRecreatedWithoutOpsLedgersLabel() {
    createNamespace();
    ResourceKey key = configMapKey("recreated");
    String r1 = declare(key, PRUNE, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, PRUNE, r1));
    String oldUid = liveConfigMap(key).getMetadata().getUid();
    cluster().configMaps().inNamespace(ns).withName(key.name()).withGracePeriod(0).delete();
    await("the applied ConfigMap is gone").until(() -> liveConfigMap(key) == null);
    cluster()
        .configMaps()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(key.name())
                .withNamespace(ns)
                .endMetadata()
                .addToData("owner", "someone else")
                .build())
        .create();
    String r2 = remove(key, PRUNE);

    ApplyFailed failed = (ApplyFailed) finalOf(extraneous(key, PRUNE, r2), ApplyFailed.class);

    assertThat(failed.terminal()).isTrue();
    assertThat(failed.reason()).isEqualTo("NotManaged");
    assertThat(failed.message()).contains("app.kubernetes.io/managed-by=opsledger");
    ConfigMap live = liveConfigMap(key);
    assertThat(live).isNotNull();
    assertThat(live.getMetadata().getUid()).isNotEqualTo(oldUid);
    assertThat(live.getData()).containsEntry("owner", "someone else");
  }

  @Test
  void prunesTheObservedObjectWithItsUidAsThePrecondition() {
    createNamespace();
    ResourceKey key = configMapKey("observed");
    String r1 = declare(key, PRUNE, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, PRUNE, r1));
    String observedUid = liveConfigMap(key).getMetadata().getUid();
    String r2 = remove(key, PRUNE);

    assertThat(succeeded(extraneous(key, PRUNE, r2, observedUid)).outcome())
        .isEqualTo(ApplyOutcome.DELETED);
    await("the pruned ConfigMap is gone")
        .until(
            () -> {
              collectGarbage(key);
              return liveConfigMap(key) == null;
            });
  }

  @Test
  void neverPrunesASameNamedObjectRecreatedWithOpsLedgersLabelSinceItWasObserved() {
    createNamespace();
    ResourceKey key = configMapKey("copied");
    ObjectNode manifest = configMap(key, Map.of("a", "1"));
    String r1 = declare(key, PRUNE, manifest);
    succeeded(missing(key, PRUNE, r1));
    // What the state-collector observed, and the differ found extraneous once Git removed it.
    String observedUid = liveConfigMap(key).getMetadata().getUid();
    cluster().configMaps().inNamespace(ns).withName(key.name()).withGracePeriod(0).delete();
    await("the observed ConfigMap is gone").until(() -> liveConfigMap(key) == null);
    // Someone recreates it from a copy of the applied manifest: same name, same label.
    cluster()
        .configMaps()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(key.name())
                .withNamespace(ns)
                .addToLabels("app.kubernetes.io/managed-by", "opsledger")
                .endMetadata()
                .addToData("a", "1")
                .build())
        .create();
    String recreatedUid = liveConfigMap(key).getMetadata().getUid();
    String r2 = remove(key, PRUNE);

    ApplyFailed failed =
        (ApplyFailed) finalOf(extraneous(key, PRUNE, r2, observedUid), ApplyFailed.class);

    assertThat(recreatedUid).isNotEqualTo(observedUid);
    assertThat(failed.terminal()).isTrue();
    assertThat(failed.reason()).isEqualTo("Recreated");
    assertThat(failed.message())
        .contains("observed uid " + observedUid, "live uid " + recreatedUid);
    ConfigMap live = liveConfigMap(key);
    assertThat(live).isNotNull();
    assertThat(live.getMetadata().getUid()).isEqualTo(recreatedUid);
    assertThat(live.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void revertsALiveEditWhenSelfHealIsOn() {
    createNamespace();
    ResourceKey key = configMapKey("healed");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, AUTO, rev));
    editLive(key, "a", "edited");

    assertThat(succeeded(drift(key, AUTO, rev)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    assertThat(liveConfigMap(key).getData()).containsEntry("a", "1");
  }

  @Test
  void keepsALiveEditWhenSelfHealIsOff() {
    createNamespace();
    ResourceKey key = configMapKey("not-healed");
    String rev = declare(key, NO_HEAL, configMap(key, Map.of("a", "1")));
    succeeded(missing(key, NO_HEAL, rev));
    editLive(key, "a", "edited");

    assertThat(skipped(drift(key, NO_HEAL, rev)).policy()).isEqualTo("self-heal-disabled");
    assertThat(liveConfigMap(key).getData()).containsEntry("a", "edited");
  }

  @Test
  void waitsForASyncApprovalUnderManualSync() {
    createNamespace();
    ResourceKey key = configMapKey("approved");
    String rev = declare(key, MANUAL, configMap(key, Map.of("a", "1")));
    var diff = missing(key, MANUAL, rev);
    assertThat(skipped(diff).policy()).isEqualTo("manual-approval");
    assertThat(liveConfigMap(key)).isNull();

    publisher.publishAndWait(
        EventEnvelope.create(
            "/opsledger/test",
            rev,
            new SyncApproved(
                key, MANUAL, rev, new Person("Ada", "ada@example.org"), "go", Instant.now())),
        Duration.ofSeconds(30));

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(liveConfigMap(key)).isNotNull();
  }

  @Test
  void appliesAfterAnApprovalPostedToTheManagementPortWithTheApproversIdentity() throws Exception {
    createNamespace();
    ResourceKey key = configMapKey("approved-http");
    String rev = declare(key, MANUAL, configMap(key, Map.of("a", "1")));
    var diff = missing(key, MANUAL, rev);
    assertThat(skipped(diff).policy()).isEqualTo("manual-approval");
    String body =
        EventJson.mapper()
            .createObjectNode()
            .put("resource", key.toString())
            .put("revision", rev)
            .put("reason", "reviewed")
            .toString();

    HttpResponse<String> webhookPort = postApproval(httpPort, body);
    HttpResponse<String> managementPort = postApproval(management.port(), body);

    // The port that serves health and webhooks does not serve approvals.
    assertThat(webhookPort.statusCode()).isEqualTo(404);
    assertThat(managementPort.statusCode()).isEqualTo(202);
    assertThat(EventJson.mapper().readTree(managementPort.body()).path("approvedBy").asText())
        .isEqualTo("Ada <ada@example.org>");
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
  }

  private static HttpResponse<String> postApproval(int port, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/approvals"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADA_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void storesNothingInADryRun() {
    createNamespace();
    ResourceKey key = configMapKey("dry");
    String rev = declare(key, DRY_RUN, configMap(key, Map.of("a", "1")));

    ApplySucceeded result = succeeded(missing(key, DRY_RUN, rev));
    assertThat(result.dryRun()).isTrue();
    assertThat(result.outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(liveConfigMap(key)).isNull();
  }

  @Test
  void skipsADiffOfAnOlderRevisionThanTheNewestDeclared() {
    createNamespace();
    ResourceKey key = configMapKey("fenced");
    String r1 = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    String r2 = declare(key, AUTO, configMap(key, Map.of("a", "2")));
    // Desired states and diffs arrive on different topics: the diff of r1 must come after r2.
    await("the applier has read r2").until(() -> r2.equals(engine.newestRevision(key)));

    assertThat(skipped(missing(key, AUTO, r1)).policy()).isEqualTo("stale-revision");
    assertThat(liveConfigMap(key)).isNull();
  }

  @Test
  void appliesARedeliveredDiffOnlyOnce() {
    createNamespace();
    ResourceKey key = configMapKey("redelivered");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    var diff = missing(key, AUTO, rev);
    succeeded(diff);
    String version = liveConfigMap(key).getMetadata().getResourceVersion();

    publisher.publishAndWait(diff, Duration.ofSeconds(30));

    await("the redelivery is recorded as already applied")
        .until(
            () ->
                tail().causedBy(diff.id()).stream()
                    .anyMatch(
                        e ->
                            e.data() instanceof ApplySkipped s
                                && s.policy().equals("already-applied")));
    assertThat(tail().causedBy(diff.id()))
        .filteredOn(e -> e.data() instanceof ApplyStarted)
        .hasSize(1);
    assertThat(liveConfigMap(key).getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void retriesAnObjectWhoseNamespaceIsCreatedLater() {
    ResourceKey key = configMapKey("early");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    var diff = missing(key, AUTO, rev);
    await("a retryable failure: the namespace is missing")
        .until(
            () ->
                tail().causedBy(diff.id()).stream()
                    .anyMatch(e -> e.data() instanceof ApplyFailed f && !f.terminal()));
    ApplyFailed failed =
        (ApplyFailed)
            tail().causedBy(diff.id()).stream()
                .filter(e -> e.data() instanceof ApplyFailed)
                .findFirst()
                .orElseThrow()
                .data();
    assertThat(failed.httpStatus()).isEqualTo(404);
    assertThat(failed.nextAttemptAt()).isNotNull();

    ResourceKey nsKey = ResourceKey.of(target(), "", "Namespace", "", ns);
    ObjectNode namespace = EventJson.mapper().createObjectNode();
    namespace
        .put("apiVersion", "v1")
        .put("kind", "Namespace")
        .putObject("metadata")
        .put("name", ns);
    String nsRev = declare(nsKey, AUTO, namespace);
    assertThat(succeeded(missing(nsKey, AUTO, nsRev)).outcome()).isEqualTo(ApplyOutcome.CREATED);

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(liveConfigMap(key)).isNotNull();
  }

  @Test
  void appliesACustomResourceOnceItsDefinitionIsApplied() {
    createNamespace();
    String group = "t" + UUID.randomUUID().toString().substring(0, 6) + ".example.dev";
    ResourceKey widget = ResourceKey.of(target(), group, "Widget", ns, "w1");
    ObjectNode cr = EventJson.mapper().createObjectNode();
    cr.put("apiVersion", group + "/v1").put("kind", "Widget");
    cr.putObject("metadata").put("name", "w1").put("namespace", ns);
    cr.putObject("spec").put("size", 3);
    var crDiff = missing(widget, AUTO, declare(widget, AUTO, cr));
    await("a retryable failure: no API serves Widget yet")
        .until(
            () ->
                tail().causedBy(crDiff.id()).stream()
                    .anyMatch(
                        e -> e.data() instanceof ApplyFailed f && f.reason().equals("CrdMissing")));

    ResourceKey crdKey =
        ResourceKey.of(
            target(), "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets." + group);
    ObjectNode crd = crd(group);
    assertThat(succeeded(missing(crdKey, AUTO, declare(crdKey, AUTO, crd))).outcome())
        .isEqualTo(ApplyOutcome.CREATED);

    assertThat(succeeded(crDiff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    GenericKubernetesResource live =
        cluster()
            .genericKubernetesResources(group + "/v1", "Widget")
            .inNamespace(ns)
            .withName("w1")
            .get();
    assertThat(live.getAdditionalProperties()).containsKey("spec");
  }

  @Test
  void appliesAndPrunesANamespacedManifestOfAClusterScopedCustomKindAtClusterScope() {
    // The CRD is not in the manifest's source, so its key and manifest keep the namespace it was
    // written with; discovery says the kind has none.
    String group = "c" + UUID.randomUUID().toString().substring(0, 6) + ".example.dev";
    ResourceKey crdKey =
        ResourceKey.of(
            target(), "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets." + group);
    assertThat(
            succeeded(missing(crdKey, AUTO, declare(crdKey, AUTO, crd(group, "Cluster"))))
                .outcome())
        .isEqualTo(ApplyOutcome.CREATED);
    ResourceKey widget = ResourceKey.of(target(), group, "Widget", "elsewhere", "w1");
    ObjectNode cr = EventJson.mapper().createObjectNode();
    cr.put("apiVersion", group + "/v1").put("kind", "Widget");
    cr.putObject("metadata").put("name", "w1").put("namespace", "elsewhere");
    cr.putObject("spec").put("size", 3);

    String r1 = declare(widget, PRUNE, cr);
    assertThat(succeeded(missing(widget, PRUNE, r1)).outcome()).isEqualTo(ApplyOutcome.CREATED);
    var widgets =
        cluster()
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup(group)
                    .withVersion("v1")
                    .withKind("Widget")
                    .withPlural("widgets")
                    .withNamespaced(false)
                    .build());
    GenericKubernetesResource live = widgets.withName("w1").get();
    assertThat(live).isNotNull();
    assertThat(live.getMetadata().getNamespace()).isNull();
    assertThat(live.getAdditionalProperties()).containsKey("spec");

    String r2 = remove(widget, PRUNE);
    assertThat(succeeded(extraneous(widget, PRUNE, r2)).outcome()).isEqualTo(ApplyOutcome.DELETED);
    await("the pruned Widget is gone")
        .until(
            () -> {
              // Prunes propagate in the foreground; do the garbage collector's part where none
              // runs (the local API server), as collectGarbage does for ConfigMaps.
              GenericKubernetesResource left = widgets.withName("w1").get();
              if (left != null && left.getMetadata().getDeletionTimestamp() != null) {
                widgets
                    .withName("w1")
                    .edit(
                        w -> {
                          w.getMetadata().getFinalizers().remove("foregroundDeletion");
                          return w;
                        });
              }
              return widgets.withName("w1").get() == null;
            });
  }

  @Autowired SecretProtector secrets;

  @Test
  void appliesASecretWithItsSealedValuesOpened() {
    createNamespace();
    ResourceKey key = ResourceKey.of(target(), "", "Secret", ns, "creds");
    String value = "s3cr3t-value-ᚠᚢᚦ";
    var diff = missing(key, AUTO, declare(key, AUTO, secret(key, secrets, value)));

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    Secret live = cluster().secrets().inNamespace(ns).withName("creds").get();
    assertThat(
            new String(
                Base64.getDecoder().decode(live.getData().get("password")), StandardCharsets.UTF_8))
        .isEqualTo(value);
    CanaryScan.of(List.of(value))
        .topics(SharedKafka.bootstrapServers(), t -> t.startsWith("opsledger.applies"))
        .assertClean();
  }

  // ---------------------------------------------------------------------------------------------

  static ObjectNode secret(ResourceKey key, SecretProtector protector, String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    m.putObject("data")
        .put(
            "password", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    return protector.protectManifest(m, true);
  }

  static ObjectNode crd(String group) {
    return crd(group, "Namespaced");
  }

  static ObjectNode crd(String group, String scope) {
    ObjectNode crd = EventJson.mapper().createObjectNode();
    crd.put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", "widgets." + group);
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", group).put("scope", scope);
    spec.putObject("names")
        .put("plural", "widgets")
        .put("singular", "widget")
        .put("kind", "Widget")
        .put("listKind", "WidgetList");
    ObjectNode version = spec.putArray("versions").addObject();
    version.put("name", "v1").put("served", true).put("storage", true);
    version
        .putObject("schema")
        .putObject("openAPIV3Schema")
        .put("type", "object")
        .put("x-kubernetes-preserve-unknown-fields", true);
    return crd;
  }

  protected void createNamespace() {
    cluster()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  protected ResourceKey configMapKey(String name) {
    return ResourceKey.of(target(), "", "ConfigMap", ns, name);
  }

  protected static ObjectNode configMap(ResourceKey key, Map<String, String> data) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    ObjectNode d = m.putObject("data");
    data.forEach(d::put);
    return m;
  }

  protected ResourceKey deploymentKey(String name) {
    return ResourceKey.of(target(), "apps", "Deployment", ns, name);
  }

  /**
   * A Deployment with port 80 and env var LOG_LEVEL; {@code extras} adds the label {@code
   * tier=frontend}, port 9090 and env var DEBUG; {@code replicas} is declared unless null.
   */
  protected static ObjectNode deployment(ResourceKey key, boolean extras, Integer replicas) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "apps/v1").put("kind", "Deployment");
    ObjectNode metadata =
        m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    if (extras) {
      metadata.putObject("labels").put("tier", "frontend");
    }
    ObjectNode spec = m.putObject("spec");
    if (replicas != null) {
      spec.put("replicas", replicas);
    }
    spec.putObject("selector").putObject("matchLabels").put("app", key.name());
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", key.name());
    ObjectNode container =
        template.putObject("spec").putArray("containers").addObject().put("name", "web");
    container.put("image", "nginx:1.27");
    var ports = container.putArray("ports");
    ports.addObject().put("containerPort", 80);
    var env = container.putArray("env");
    env.addObject().put("name", "LOG_LEVEL").put("value", "info");
    if (extras) {
      ports.addObject().put("containerPort", 9090).put("name", "metrics");
      env.addObject().put("name", "DEBUG").put("value", "true");
    }
    return m;
  }

  protected Deployment liveDeployment(ResourceKey key) {
    return cluster().apps().deployments().inNamespace(key.namespace()).withName(key.name()).get();
  }

  protected ConfigMap liveConfigMap(ResourceKey key) {
    return cluster().configMaps().inNamespace(key.namespace()).withName(key.name()).get();
  }

  protected void editLive(ResourceKey key, String field, String value) {
    cluster()
        .configMaps()
        .inNamespace(key.namespace())
        .withName(key.name())
        .edit(
            cm -> {
              cm.getData().put(field, value);
              return cm;
            });
  }

  /** Publishes a declaration at a new random revision; returns the revision. */
  protected String declare(ResourceKey key, String source, ObjectNode manifest) {
    String rev = randomRevision();
    publish(
        rev,
        new DesiredStateChanged(
            key,
            source,
            rev,
            "manifests/" + key.name() + ".yaml",
            CanonicalJson.hash(manifest),
            manifest,
            new Person("Dev", "dev@example.org"),
            Instant.now(),
            null));
    return rev;
  }

  /** Publishes a removal at a new random revision; returns the revision. */
  protected String remove(ResourceKey key, String source) {
    String rev = randomRevision();
    publish(
        rev,
        new DesiredStateRemoved(
            key, source, rev, "manifests/" + key.name() + ".yaml", null, Instant.now(), null));
    return rev;
  }

  protected EventEnvelope<ResourceMissing> missing(ResourceKey key, String source, String rev) {
    return publish(rev, new ResourceMissing(key, source, rev, Instant.now()));
  }

  protected EventEnvelope<DriftDetected> drift(ResourceKey key, String source, String rev) {
    return publish(
        rev,
        new DriftDetected(
            key,
            source,
            rev,
            "sha256:00",
            Instant.now(),
            EventJson.mapper().createArrayNode(),
            "",
            List.of("/data/a")));
  }

  /** A prune candidate without an observed uid, as the differ wrote them before it carried one. */
  protected EventEnvelope<ResourceExtraneous> extraneous(
      ResourceKey key, String source, String removedIn) {
    return extraneous(key, source, removedIn, null);
  }

  /** A prune candidate naming the uid of the object the differ found extraneous. */
  protected EventEnvelope<ResourceExtraneous> extraneous(
      ResourceKey key, String source, String removedIn, String observedUid) {
    return publish(
        removedIn,
        new ResourceExtraneous(key, source, removedIn, "sha256:00", Instant.now(), observedUid));
  }

  protected <E extends ResourceEvent> EventEnvelope<E> publish(String correlation, E event) {
    EventEnvelope<E> envelope = EventEnvelope.create("/opsledger/test", correlation, event);
    publisher.publishAndWait(envelope, Duration.ofSeconds(30));
    return envelope;
  }

  /** Waits for the diff's ApplySucceeded. */
  protected ApplySucceeded succeeded(EventEnvelope<?> diff) {
    return (ApplySucceeded) finalOf(diff, ApplySucceeded.class);
  }

  /** Waits for the diff's ApplySkipped. */
  protected ApplySkipped skipped(EventEnvelope<?> diff) {
    return (ApplySkipped) finalOf(diff, ApplySkipped.class);
  }

  protected OpsLedgerEvent finalOf(EventEnvelope<?> diff, Class<? extends OpsLedgerEvent> type) {
    await("a " + type.getSimpleName() + " caused by " + diff.data())
        .until(() -> tail().causedBy(diff.id()).stream().anyMatch(e -> type.isInstance(e.data())));
    return tail().causedBy(diff.id()).stream()
        .filter(e -> type.isInstance(e.data()))
        .reduce((a, b) -> b)
        .orElseThrow()
        .data();
  }

  protected EventEnvelope<OpsLedgerEvent> only(
      EventEnvelope<?> diff, Class<? extends OpsLedgerEvent> type) {
    List<EventEnvelope<OpsLedgerEvent>> found =
        tail().causedBy(diff.id()).stream().filter(e -> type.isInstance(e.data())).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  protected static String randomRevision() {
    byte[] b = new byte[20];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
