package dev.opsledger.applier;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Kubernetes scenarios against the sandbox's API emulator (what it does not emulate is listed
 * in {@code sandbox/README.md}), plus what only an emulator can show here: an API server outage.
 * {@link KubernetesApplyE2E} runs the same scenarios against a real API server.
 */
@SpringBootTest(
    classes = ApplierApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class KubernetesApplyIT extends KubernetesScenarios {

  static final String TARGET = "emulator-" + UUID.randomUUID().toString().substring(0, 8);
  static final KubernetesEmulator EMULATOR = KubernetesEmulator.builder().start();
  static LogTail tail;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    registry.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.applier.kubernetes.target", () -> TARGET);
    registry.add("opsledger.applier.kubernetes.master-url", EMULATOR::url);
    for (String p : POLICIES) {
      int eq = p.indexOf('=');
      registry.add(p.substring(0, eq), () -> p.substring(eq + 1));
    }
    ApplierConfiguration.FUNCTIONS.forEach(
        f ->
            registry.add(
                f.groupProperty(), () -> f.group().replace("opsledger-applier", "applier-it-k8s")));
  }

  @AfterAll
  static void stop() {
    if (tail != null) {
      tail.close();
    }
    EMULATOR.close();
  }

  @Override
  protected KubernetesClient cluster() {
    return EMULATOR.client();
  }

  @Override
  protected String target() {
    return TARGET;
  }

  @Override
  protected LogTail tail() {
    // Created once the context has created the topics: asking for the partitions of a missing
    // topic would auto-create it with one partition.
    if (tail == null) {
      tail =
          LogTail.fromEnd(
              SharedKafka.bootstrapServers(), LogTail.keyStartsWith(TARGET + "/"), Topic.APPLIES);
    }
    return tail;
  }

  @Test
  void appliesAPendingObjectOnceTheApiServerIsBack() {
    createNamespace();
    ResourceKey key = configMapKey("outage");
    String rev = declare(key, AUTO, configMap(key, Map.of("a", "1")));
    EMULATOR.stop();
    try {
      var diff = missing(key, AUTO, rev);
      await("a retryable failure while the API server is down")
          .until(
              () ->
                  tail().causedBy(diff.id()).stream()
                      .anyMatch(
                          e ->
                              e.data() instanceof ApplyFailed f
                                  && !f.terminal()
                                  && f.reason().equals("Unreachable")));
      EMULATOR.start();
      assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    } finally {
      if (!EMULATOR.isRunning()) {
        EMULATOR.start();
      }
    }
    assertThat(liveConfigMap(key)).isNotNull();
  }

  @Test
  void recordsATerminalFailureAndDoesNotRetryIt() {
    createNamespace();
    ResourceKey key = ResourceKey.of(TARGET, "", "Secret", ns, "foreign");
    SecretProtector otherFleet = new SecretProtector(new byte[32]);
    var diff = missing(key, AUTO, declare(key, AUTO, secret(key, otherFleet, "not-ours")));

    ApplyFailed failed = (ApplyFailed) finalOf(diff, ApplyFailed.class);
    assertThat(failed.terminal()).isTrue();
    assertThat(failed.reason()).isEqualTo("SecretUnreadable");
    assertThat(failed.nextAttemptAt()).isNull();
    assertThat(failed.message()).doesNotContain("not-ours");
    // A later diff of the same resource is handled after it: if the failure were retried, a
    // second ApplyStarted of the first diff would appear before the second diff's outcome.
    var later =
        missing(
            ResourceKey.of(TARGET, "", "Secret", ns, "foreign"), AUTO, failed.desiredRevision());
    finalOf(later, ApplyFailed.class);
    assertThat(tail().causedBy(diff.id()))
        .filteredOn(e -> e.data() instanceof ApplyStarted)
        .hasSize(1);
  }

  @Test
  void sendsAPoisonDiffToTheDeadLetterTopicAndKeepsGoing() throws Exception {
    createNamespace();
    ResourceKey key = configMapKey("after-poison");
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(SharedKafka.bootstrapServers()))) {
      raw.send(
              new ProducerRecord<>(
                  Topic.DIFFS.topicName(),
                  key.toString(),
                  "{poison".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    var diff = missing(key, AUTO, declare(key, AUTO, configMap(key, Map.of("a", "1"))));
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);

    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(SharedKafka.bootstrapServers(), "dlq-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topic.DIFFS.dlqName()));
      List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
      await("the poison diff is in opsledger.diffs.dlq")
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> key.toString().equals(r.key()));
              });
    }
  }
}
