package dev.opsledger.applier;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Kubernetes scenarios against the sandbox's API emulator (what it does not emulate is listed
 * in {@code sandbox/README.md}: field-manager conflicts, managed-fields pruning, list merge by key,
 * validation), plus what only an emulator can show: an API server outage, and changes made while
 * the applier cannot see them.
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
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.applier.kubernetes.target", () -> TARGET);
    registry.add("opsledger.applier.kubernetes.master-url", EMULATOR::url);
    for (String p : POLICIES) {
      int eq = p.indexOf('=');
      registry.add(p.substring(0, eq), () -> p.substring(eq + 1));
    }
    ApplierConfiguration.FUNCTIONS.forEach(
        f -> registry.add(f.groupProperty(), () -> "applier-it-k8s"));
  }

  @AfterAll
  static void stop() {
    if (tail != null) {
      tail.close();
    }
    EMULATOR.close();
  }

  @Autowired SecretProtector secrets;

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
  void appliesACustomResourceOnceItsDefinitionIsApplied() {
    createNamespace();
    String group = "t" + UUID.randomUUID().toString().substring(0, 6) + ".example.dev";
    ResourceKey widget = ResourceKey.of(TARGET, group, "Widget", ns, "w1");
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
            TARGET, "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets." + group);
    ObjectNode crd = crd(group);
    assertThat(succeeded(missing(crdKey, AUTO, declare(crdKey, AUTO, crd))).outcome())
        .isEqualTo(ApplyOutcome.CREATED);

    assertThat(succeeded(crDiff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    GenericKubernetesResource live =
        EMULATOR.store().get(group + "/v1", "Widget", ns, "w1").orElseThrow();
    assertThat(live.getAdditionalProperties()).containsKey("spec");
  }

  @Test
  void appliesASecretWithItsSealedValuesOpened() {
    createNamespace();
    ResourceKey key = ResourceKey.of(TARGET, "", "Secret", ns, "creds");
    var diff = missing(key, AUTO, declare(key, AUTO, secret(key, secrets, "s3cr3t-value")));

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    Secret live = cluster().secrets().inNamespace(ns).withName("creds").get();
    assertThat(
            new String(
                Base64.getDecoder().decode(live.getData().get("password")), StandardCharsets.UTF_8))
        .isEqualTo("s3cr3t-value");
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
    ObjectNode crd = EventJson.mapper().createObjectNode();
    crd.put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", "widgets." + group);
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", group).put("scope", "Namespaced");
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
}
