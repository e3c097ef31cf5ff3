package dev.opsledger.collector;

import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.testkit.TestAwait.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as it runs: the Spring configuration, the {@code stateCollectorDesiredIn} binding on
 * {@code opsledger.desired}, a cluster configured by kubeconfig and context, events on {@code
 * opsledger.observed}.
 */
@SpringBootTest(classes = StateCollectorApplication.class)
class StateCollectorApplicationIT {

  static final String TARGET = "spring-" + UUID.randomUUID().toString().substring(0, 8);
  static final KubernetesEmulator EMULATOR = KubernetesEmulator.builder().start();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    registry.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    Path kubeconfig =
        EMULATOR.writeKubeconfig(
            Files.createTempDirectory("state-collector-it").resolve("kubeconfig"));
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.state-collector.kubernetes.targets[0].name", () -> TARGET);
    registry.add(
        "opsledger.state-collector.kubernetes.targets[0].kubeconfig", kubeconfig::toString);
    registry.add(
        "opsledger.state-collector.kubernetes.targets[0].context", () -> "opsledger-sandbox");
    registry.add("opsledger.state-collector.kubernetes.retry-interval", () -> "500ms");
    // A consumer group of its own, so that this test does not share offsets with another run.
    registry.add(
        "spring.cloud.stream.bindings.stateCollectorDesiredIn-in-0.group",
        () -> "opsledger-state-collector-" + TARGET);
  }

  @AfterAll
  static void stopEmulator() {
    EMULATOR.close();
  }

  @Autowired EventPublisher publisher;

  @Test
  void observesTheKindsDeclaredOnTheDesiredTopic() {
    String ns = "app-" + TARGET;
    ResourceKey key = ResourceKey.of(TARGET, "", "ConfigMap", ns, "settings");
    EMULATOR
        .store()
        .put(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("settings")
                .endMetadata()
                .addToData("color", "green")
                .build());
    ObjectNode manifest = EventJson.mapper().createObjectNode();
    manifest.put("apiVersion", "v1").put("kind", "ConfigMap");
    manifest.putObject("metadata").put("name", "settings").put("namespace", ns);
    manifest.putObject("data").put("color", "green");

    publisher.publishAndWait(
        EventEnvelope.create(
            "/opsledger/git-watcher",
            "abc123",
            new DesiredStateChanged(
                key, "src", "abc123", "cm.yaml", "sha256:00", manifest, null, Instant.now(), null)),
        Duration.ofSeconds(30));

    try (ObservedLog log = new ObservedLog(TARGET)) {
      await("the declared ConfigMap is observed on opsledger.observed")
          .until(
              () ->
                  log.has(
                      changed(
                          key, c -> c.live().path("data").path("color").asText().equals("green"))));
    }
  }
}
