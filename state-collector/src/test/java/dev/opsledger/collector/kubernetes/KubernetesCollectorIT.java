package dev.opsledger.collector.kubernetes;

import static dev.opsledger.collector.support.ObservedLog.absent;
import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.collector.support.ObservedLog.failed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.collector.support.Collectors;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes side against the API emulator, publishing to the shared broker. */
class KubernetesCollectorIT {

  private KubernetesEmulator emulator;
  private Collectors collector;
  private ObservedLog log;
  private String target;
  private String ns;

  @BeforeEach
  void start() {
    emulator = KubernetesEmulator.builder().start();
    target = "k8s-" + UUID.randomUUID().toString().substring(0, 8);
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    collector = new Collectors(target, emulator, Duration.ofMinutes(10));
    log = new ObservedLog(target);
  }

  @AfterEach
  void stop() {
    log.close();
    collector.close();
    emulator.close();
  }

  @Test
  void reportsAnObjectWhenAddedChangedAndDeleted() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "web");
    collector.declare(key, "v1");
    emulator.store().put(configMap("web", Map.of("k", "1"), Map.of()));
    await("the new ConfigMap is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("k").asText().equals("1"))));

    emulator.store().put(configMap("web", Map.of("k", "2"), Map.of()));
    await("the change is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("data").path("k").asText().equals("2"))));

    emulator.store().delete("v1", "ConfigMap", ns, "web");
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
    emulator.store().put(deployment("api", 1, Map.of()));
    await("the Deployment is observed").until(() -> log.has(changed(key)));

    emulator.store().put(deployment("api", 3, Map.of()));
    emulator.store().put(deployment("api", 5, Map.of()));
    // A real change after the status-only ones: once it is on the topic, anything the status
    // changes caused would be there before it.
    emulator.store().put(deployment("api", 5, Map.of("tier", "backend")));
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
  void aFullResyncEmitsNothingWhenNothingChanged() {
    ResourceKey key = ResourceKey.of(target, "", "ConfigMap", ns, "quiet");
    collector.declare(key, "v1");
    emulator.store().put(configMap("quiet", Map.of("k", "1"), Map.of()));
    await("the ConfigMap is observed").until(() -> log.has(changed(key)));

    collector.cluster().resync().join();
    collector.cluster().resync().join();
    emulator.store().put(configMap("quiet", Map.of("k", "2"), Map.of()));
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
    emulator.store().put(configMap("present", Map.of("k", "1"), Map.of()));
    collector.declare(present, "v1");
    collector.declare(missing, "v1");
    await("the missing one is reported").until(() -> log.has(absent(missing, "not-found")));

    collector.declare(missing, "v1");
    collector.cluster().resync().join();
    emulator.store().put(configMap("missing", Map.of("k", "1"), Map.of()));
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
    emulator
        .store()
        .put(
            configMap(
                "orphan", Map.of("k", "1"), Map.of("app.kubernetes.io/managed-by", "opsledger")));

    await("the managed orphan is observed")
        .until(() -> log.has(changed(orphan, ObservedStateChanged::managed)));
  }

  @Test
  void watchesACustomResourceOnceItsDefinitionIsCreated() {
    ResourceKey widget = ResourceKey.of(target, "example.com", "Widget", ns, "w1");
    ResourceKey kind = ResourceKey.of(target, "example.com", "Widget", "", "*");
    ResourceKey other = ResourceKey.of(target, "", "ConfigMap", ns, "meanwhile");
    collector.declare(widget, "example.com/v1");
    collector.declare(other, "v1");
    await("the unknown kind is reported").until(() -> log.has(failed(kind, "UnknownKind")));
    emulator.store().put(configMap("meanwhile", Map.of("k", "1"), Map.of()));
    await("other kinds keep flowing").until(() -> log.has(changed(other)));

    emulator
        .client()
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
                .endVersion()
                .endSpec()
                .build())
        .create();
    emulator.store().put(widget("w1", "blue"));

    await("the custom resource is observed")
        .until(
            () ->
                log.has(
                    changed(
                        widget, c -> c.live().path("spec").path("color").asText().equals("blue"))));
  }

  @Test
  void reportsDeletionsMissedWhileTheApiServerWasDown() {
    ResourceKey gone = ResourceKey.of(target, "", "ConfigMap", ns, "gone");
    ResourceKey kept = ResourceKey.of(target, "", "ConfigMap", ns, "kept");
    emulator.store().put(configMap("gone", Map.of("k", "1"), Map.of()));
    emulator.store().put(configMap("kept", Map.of("k", "1"), Map.of()));
    collector.declare(kept, "v1");
    await("both are observed").until(() -> log.has(changed(gone)) && log.has(changed(kept)));

    emulator.stop();
    emulator.store().delete("v1", "ConfigMap", ns, "gone");
    emulator.store().put(configMap("kept", Map.of("k", "2"), Map.of()));
    emulator.start();

    await("the deletion missed during the outage is reported")
        .until(() -> log.has(absent(gone, "deleted")));
    await("the change made during the outage is reported")
        .until(
            () ->
                log.has(changed(kept, c -> c.live().path("data").path("k").asText().equals("2"))));
  }

  @Test
  void secretValuesNeverReachTheTopicInPlainText() {
    String plain = "hunter2-" + UUID.randomUUID();
    String encoded = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    ResourceKey key = ResourceKey.of(target, "", "Secret", ns, "db");
    ResourceKey broken = ResourceKey.of(target, "", "Secret", ns, "broken");
    ResourceKey after = ResourceKey.of(target, "", "Secret", ns, "after");
    collector.declare(key, "v1");
    emulator
        .store()
        .put(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("db")
                .addToAnnotations(
                    SecretProtector.LAST_APPLIED, "{\"data\":{\"password\":\"" + encoded + "\"}}")
                .endMetadata()
                .addToData("password", encoded)
                .build());
    emulator
        .store()
        .put(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("broken")
                .endMetadata()
                .addToData("password", "%%not base64 " + plain)
                .build());
    emulator
        .store()
        .put(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("after")
                .endMetadata()
                .addToData("token", encoded)
                .build());

    await("the Secret is observed").until(() -> log.has(changed(key)));
    await("the unreadable Secret is reported")
        .until(() -> log.has(failed(broken, "Unserializable")));
    await("the rest keeps flowing").until(() -> log.has(changed(after)));

    ObservedStateChanged secret = (ObservedStateChanged) log.of(key).get(0);
    assertThat(secret.live().path("data").path("password").asText())
        .startsWith(SecretProtector.HASHED_PREFIX);
    assertThat(log.raw()).noneMatch(v -> v.contains(plain) || v.contains(encoded));
    assertThat(
            collector
                .registry
                .find("opsledger.collector.api.errors")
                .tag("reason", "Unserializable")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private io.fabric8.kubernetes.api.model.ConfigMap configMap(
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

  private io.fabric8.kubernetes.api.model.apps.Deployment deployment(
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
        .withObservedGeneration((long) observedGeneration)
        .withReadyReplicas(observedGeneration % 3)
        .endStatus()
        .build();
  }

  private GenericKubernetesResource widget(String name, String color) {
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
