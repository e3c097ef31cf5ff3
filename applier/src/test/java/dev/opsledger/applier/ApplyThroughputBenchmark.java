package dev.opsledger.applier;

import static dev.opsledger.testkit.TestAwait.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.Topic;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Throughput of the applier against a bare fabric8 server-side-apply loop, same emulator, same run.
 * Not part of {@code verify}; run it with
 *
 * <pre>./mvnw -B -f applier/pom.xml verify -Pbenchmark</pre>
 *
 * It prints resources per second for each and the ratio. The applier's figure is end to end: from
 * the first {@code ResourceMissing} published to the 1,000th {@code ApplySucceeded} read back from
 * {@code opsledger.applies} (decode, fence, policy, namespace check, GET + server-side apply,
 * {@code ApplyStarted} and an acknowledged {@code ApplySucceeded} per resource). The desired
 * manifests are published before the clock starts.
 */
@SpringBootTest(classes = ApplierApplication.class)
class ApplyThroughputBenchmark {

  static final int N = Integer.getInteger("opsledger.benchmark.resources", 1_000);
  static final String TARGET = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  static final KubernetesEmulator EMULATOR = KubernetesEmulator.builder().start();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    registry.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.applier.kubernetes.target", () -> TARGET);
    registry.add("opsledger.applier.management.port", () -> "0");
    registry.add("opsledger.applier.kubernetes.master-url", EMULATOR::url);
    ApplierConfiguration.FUNCTIONS.forEach(
        f ->
            registry.add(
                f.groupProperty(), () -> f.group().replace("opsledger-applier", "applier-bench")));
  }

  @AfterAll
  static void stop() {
    EMULATOR.close();
  }

  @Autowired EventPublisher publisher;

  @Test
  void appliesAThousandConfigMapsThroughTheApplierAndThroughABareLoop() {
    String nsApplier = "bench-applier";
    String nsBare = "bench-bare";
    for (String ns : List.of(nsApplier, nsBare)) {
      EMULATOR
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    try (LogTail tail =
        LogTail.fromEnd(
            SharedKafka.bootstrapServers(), LogTail.keyStartsWith(TARGET + "/"), Topic.APPLIES)) {
      String rev = KubernetesScenarios.randomRevision();
      List<EventEnvelope<ResourceMissing>> diffs = new ArrayList<>();
      List<EventEnvelope<?>> desired = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        ResourceKey key = ResourceKey.of(TARGET, "", "ConfigMap", nsApplier, "cm-" + i);
        ObjectNode manifest = EventJson.mapper().createObjectNode();
        manifest.put("apiVersion", "v1").put("kind", "ConfigMap");
        manifest.putObject("metadata").put("name", key.name()).put("namespace", nsApplier);
        manifest
            .putObject("data")
            .put("index", Integer.toString(i))
            .put("payload", "x".repeat(200));
        desired.add(
            EventEnvelope.create(
                "/bench",
                rev,
                new DesiredStateChanged(
                    key,
                    "bench",
                    rev,
                    "bench.yaml",
                    CanonicalJson.hash(manifest),
                    manifest,
                    new Person("b", ""),
                    Instant.now(),
                    null)));
        diffs.add(
            EventEnvelope.create(
                "/bench", rev, new ResourceMissing(key, "bench", rev, Instant.now())));
      }
      publisher.publishAll(desired, Duration.ofSeconds(60));

      long t0 = System.nanoTime();
      publisher.publishAll(diffs, Duration.ofSeconds(60));
      await("the applier applied " + N + " ConfigMaps")
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  tail.events().stream().filter(e -> e.data() instanceof ApplySucceeded).count()
                      >= N);
      double applierSeconds = (System.nanoTime() - t0) / 1e9;

      long t1 = System.nanoTime();
      for (int i = 0; i < N; i++) {
        ConfigMap cm =
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm-" + i)
                .withNamespace(nsBare)
                .endMetadata()
                .addToData("index", Integer.toString(i))
                .addToData("payload", "x".repeat(200))
                .build();
        EMULATOR.client().resource(cm).fieldManager("bench").forceConflicts().serverSideApply();
      }
      double bareSeconds = (System.nanoTime() - t1) / 1e9;

      double applierRate = N / applierSeconds;
      double bareRate = N / bareSeconds;
      System.out.printf(
          "%n=== applier benchmark: %d ConfigMaps, Kubernetes API emulator, embedded Kafka ===%n"
              + "applier (diff in -> ApplySucceeded out): %8.1f resources/s (%.2f s)%n"
              + "bare fabric8 server-side-apply loop:      %8.1f resources/s (%.2f s)%n"
              + "ratio applier / bare:                     %8.2f%n%n",
          N, applierRate, applierSeconds, bareRate, bareSeconds, applierRate / bareRate);
    }
  }
}
