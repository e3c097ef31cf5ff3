package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild from a snapshot on a real broker reads only what follows the snapshot, and ends with
 * the state a full read gives; a missing, corrupt or half-written snapshot costs time, never
 * correctness.
 */
class RebuildIT {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final CheckpointTopic STORE = CheckpointTopic.APPLIER;

  @TempDir static Path dataDir;
  private static EmbeddedKafkaBroker broker;
  private static KafkaProducer<String, byte[]> producer;

  private final EventCodec codec = new EventCodec();
  private String topic;
  private String store;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
    producer = new KafkaProducer<>(KafkaSettings.producer(broker.bootstrapServers()));
  }

  @AfterAll
  static void stopBroker() {
    producer.close();
    broker.close();
  }

  @BeforeEach
  void freshTopics() throws Exception {
    int n = TOPICS.incrementAndGet();
    topic = "rebuild-it-" + n;
    store = "rebuild-it-" + n + ".checkpoints";
    try (Admin admin = admin()) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30))
          .ensure(List.of(new TopicSpec(store, 1, STORE.config())));
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
  }

  @Test
  void aRestartAfterASnapshotReadsOnlyTheRecordsWrittenAfterIt() {
    writeApprovals("s", 0, 200);
    Rebuild.Result<Revisions> first = rebuild();
    assertThat(first.fromSnapshot()).isFalse();
    assertThat(first.read().records()).isEqualTo(200);
    checkpoint(first);
    writeApprovals("s", 200, 7);

    Rebuild.Result<Revisions> second = rebuild();

    assertThat(second.fromSnapshot()).isTrue();
    assertThat(second.read().records()).isEqualTo(7);
    assertThat(second.projection().bySource).isEqualTo(fullRead().bySource);
    assertThat(second.projection().bySource.get("s")).hasSize(207);
  }

  @Test
  void aSnapshotLargerThanAChunkIsSplitAndRestoredWhole() {
    String big = "x".repeat(300_000);
    for (int i = 0; i < 8; i++) {
      writeApprovals("big-" + i + "-" + big, 0, 1);
    }
    Rebuild.Result<Revisions> first = rebuild();
    Checkpoints.Snapshot written = checkpoint(first);

    Rebuild.Result<Revisions> second = rebuild();

    assertThat(second.fromSnapshot()).isTrue();
    assertThat(second.snapshot().chunks()).hasSizeGreaterThan(1);
    assertThat(second.snapshot().chunks())
        .allSatisfy(c -> assertThat(c.length).isLessThanOrEqualTo(Checkpoints.CHUNK_BYTES));
    assertThat(second.snapshot().id()).isEqualTo(written.id());
    assertThat(second.read().records()).isZero();
    assertThat(second.projection().bySource).isEqualTo(first.projection().bySource);
  }

  @Test
  void aCorruptSnapshotIsIgnoredWithAWarningAndTheWholeLogIsRead() {
    writeApprovals("s", 0, 50);
    checkpoint(rebuild());
    writeApprovals("s", 50, 5);
    // A chunk whose content is not JSON, under the id the manifest expects.
    overwrite("chunk/a/0", "{\"format\":1,\"snapshot\":\"" + manifestId() + "\",\"entries\":[{");

    Rebuild.Result<Revisions> after = rebuild();

    assertThat(after.fromSnapshot()).isFalse();
    assertThat(after.read().records()).isEqualTo(55);
    assertThat(after.projection().bySource).isEqualTo(fullRead().bySource);
  }

  @Test
  void anUnreadableManifestIsIgnoredAndTheWholeLogIsRead() {
    writeApprovals("s", 0, 20);
    checkpoint(rebuild());
    overwrite("manifest", "not json at all");

    Rebuild.Result<Revisions> after = rebuild();

    assertThat(after.fromSnapshot()).isFalse();
    assertThat(after.read().records()).isEqualTo(20);
    assertThat(after.projection().bySource.get("s")).hasSize(20);
  }

  @Test
  void aSnapshotHalfWrittenByAWriterThatDiedLeavesThePreviousOneInForce() {
    writeApprovals("s", 0, 30);
    Checkpoints.Snapshot first = checkpoint(rebuild());
    writeApprovals("s", 30, 4);
    // The next snapshot goes to the other slot; its writer died before the manifest.
    overwrite("chunk/b/0", "{\"format\":1,\"snapshot\":\"never-finished\",\"entries\":[]}");

    Rebuild.Result<Revisions> after = rebuild();

    assertThat(after.fromSnapshot()).isTrue();
    assertThat(after.snapshot().id()).isEqualTo(first.id());
    assertThat(after.read().records()).isEqualTo(4);
    assertThat(after.projection().bySource.get("s")).hasSize(34);
  }

  @Test
  void successiveSnapshotsAlternateSlotsAndTheNewestWins() {
    writeApprovals("s", 0, 10);
    checkpoint(rebuild());
    writeApprovals("s", 10, 10);
    checkpoint(rebuild());
    writeApprovals("s", 20, 10);
    Checkpoints.Snapshot third = checkpoint(rebuild());
    writeApprovals("s", 30, 3);

    Rebuild.Result<Revisions> after = rebuild();

    assertThat(after.snapshot().id()).isEqualTo(third.id());
    assertThat(after.read().records()).isEqualTo(3);
    assertThat(after.projection().bySource.get("s")).hasSize(33);
  }

  @Test
  void aSnapshotOfALongerLogThanTheOneThereIsIgnored() throws Exception {
    writeApprovals("s", 0, 10);
    checkpoint(rebuild());
    // The topic is recreated: its offsets start again at 0.
    try (Admin admin = admin()) {
      admin.deleteTopics(List.of(topic)).all().get();
    }
    org.awaitility.Awaitility.await("the topic is gone")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Admin admin = admin()) {
                return !admin.listTopics().names().get().contains(topic);
              }
            });
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    writeApprovals("t", 0, 2);

    Rebuild.Result<Revisions> after = rebuild();

    assertThat(after.fromSnapshot()).isFalse();
    assertThat(after.projection().bySource).containsOnlyKeys("t");
  }

  private Rebuild.Result<Revisions> rebuild() {
    try (LogScan scan = LogScan.open(broker.bootstrapServers(), codec, Duration.ofSeconds(30))) {
      return Rebuild.run(scan, store(), List.of(topic), LogScan.Until.endAtStart(), Revisions::new);
    }
  }

  private Revisions fullRead() {
    try (LogScan scan = LogScan.open(broker.bootstrapServers(), codec, Duration.ofSeconds(30))) {
      return Rebuild.run(scan, null, List.of(topic), LogScan.Until.endAtStart(), Revisions::new)
          .projection();
    }
  }

  private Checkpoints.Snapshot checkpoint(Rebuild.Result<Revisions> result) {
    return result.checkpoint(store());
  }

  private Checkpoints store() {
    return new Checkpoints(
        broker.bootstrapServers(), store, "test", Duration.ofSeconds(30), Clock.systemUTC());
  }

  private String manifestId() {
    try (LogScan scan = LogScan.open(broker.bootstrapServers(), codec, Duration.ofSeconds(30))) {
      return store().load(scan).orElseThrow().id();
    }
  }

  private void overwrite(String key, String value) {
    try {
      producer
          .send(new ProducerRecord<>(store, 0, key, value.getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void writeApprovals(String source, int from, int count) {
    try {
      for (int i = from; i < from + count; i++) {
        EncodedEvent e = TestEvents.approval("id-" + source + "-" + i, source, "r" + i, T0);
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    null,
                    T0.toEpochMilli(),
                    source,
                    e.value(),
                    KafkaRecords.toKafkaHeaders(e.headers())))
            .get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  /** The revisions approved per source, in log order: a projection with order to get right. */
  static final class Revisions implements Rebuild.Projection {
    final Map<String, List<String>> bySource = new TreeMap<>();

    @Override
    public void restore(JsonNode entry) {
      List<String> revisions = new ArrayList<>();
      entry.get("revisions").forEach(r -> revisions.add(r.asText()));
      bySource.put(entry.get("source").asText(), revisions);
    }

    @Override
    public void apply(ScannedRecord record) {
      SyncApproved a = (SyncApproved) record.data();
      bySource.computeIfAbsent(a.sourceId(), s -> new ArrayList<>()).add(a.revision());
    }

    @Override
    public void snapshot(Consumer<JsonNode> out) {
      bySource.forEach(
          (source, revisions) -> {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("source", source);
            revisions.forEach(n.putArray("revisions")::add);
            out.accept(n);
          });
    }
  }
}
