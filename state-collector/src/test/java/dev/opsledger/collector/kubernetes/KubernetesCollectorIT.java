package dev.opsledger.collector.kubernetes;

import static dev.opsledger.collector.support.ObservedLog.absent;
import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.collector.support.ObservedLog.failed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The collector's Kubernetes scenarios against the sandbox's API emulator, plus what only the
 * emulator can show: an API server outage with changes made meanwhile, and a Secret whose data is
 * not base64 (a real API server refuses to store one).
 */
class KubernetesCollectorIT extends KubernetesCollectorScenarios {

  private KubernetesEmulator emulator;

  @Override
  protected void prepare() {
    emulator = KubernetesEmulator.builder().start();
  }

  @Override
  protected void release() {
    emulator.close();
  }

  @Override
  protected KubernetesClient collectorClient() {
    return new KubernetesClientBuilder().withConfig(emulator.clientConfig()).build();
  }

  @Override
  protected KubernetesClient admin() {
    return emulator.client();
  }

  @Override
  protected void put(HasMetadata object) {
    emulator.store().put(object);
  }

  @Override
  protected void delete(String apiVersion, String kind, String namespace, String name) {
    emulator.store().delete(apiVersion, kind, namespace, name);
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
}
