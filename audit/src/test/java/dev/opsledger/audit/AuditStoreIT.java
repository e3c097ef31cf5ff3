package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.Answers.ResourceHistory;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.GeneratedLog;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit store (offset index and snapshots) gives the answers of a full replay: over a generated
 * log with rewinds and removals, written in three parts with a restart of the store between them (a
 * catch-up cut short leaves bytes past its commit), and after the store is deleted and rebuilt.
 */
class AuditStoreIT {

  private static final int RESOURCES = 30;

  @TempDir Path storeDir;

  @Test
  void indexAndSnapshotsAnswerAsAFullReplayThroughRestartsAndRebuilds() throws IOException {
    String bootstrap = SharedKafka.bootstrapServers();
    KafkaConnection connection = KafkaConnection.of(bootstrap);
    new LogWriter(bootstrap).close(); // creates the topics
    Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<EventEnvelope<OpsLedgerEvent>> log = new ArrayList<>();
    new GeneratedLog(RESOURCES, 12, start, 7).write(log::add);
    AuditService replay = new AuditService(connection, null);
    List<Instant> times = new ArrayList<>();
    int part = log.size() / 2;
    for (int p = 0; p < 2; p++) {
      write(bootstrap, log.subList(p * part, p == 1 ? log.size() : (p + 1) * part));
      if (p == 0) {
        times.add(start.minusSeconds(1)); // before the log
      }
      times.add(log.get(p * part + part / 2).time());
      AuditService indexed = restarted(connection);
      assertSameAnswers(indexed, replay, times);
      leaveATornCatchUp();
    }
    AuditService indexed = new AuditService(connection, storeDir);
    indexed.store().clear();
    assertThat(Files.size(storeDir.resolve("index/positions"))).isPositive();
    assertSameAnswers(indexed, replay, times);
    try (var files = Files.list(storeDir.resolve("snapshots"))) {
      assertThat(files.count()).as("snapshots rebuilt").isPositive();
    }
  }

  @Test
  void aHistoryThroughTheIndexReadsOnlyItsResourcesRecordsOnItsPartitions() {
    String bootstrap = SharedKafka.bootstrapServers();
    KafkaConnection connection = KafkaConnection.of(bootstrap);
    Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<EventEnvelope<OpsLedgerEvent>> log = new ArrayList<>();
    new GeneratedLog(RESOURCES, 4, start, 11).write(log::add);
    new LogWriter(bootstrap).close(); // creates the topics
    write(bootstrap, log);
    AuditStore store = AuditStore.at(storeDir);
    ResourceKey key = GeneratedLog.key(5);
    try (LogReader reader = new LogReader(connection)) {
      AuditService.history(reader, store, key, null, null); // indexes its partitions
    }
    try (LogReader reader = new LogReader(connection)) {
      ResourceHistory h = AuditService.history(reader, store, key, null, null);
      Set<TopicPartition> allowed = new HashSet<>();
      for (Topic t : AuditStore.INDEXED_TOPICS) {
        allowed.add(
            new TopicPartition(
                t.topicName(), LogReader.partitionOf(key.toString(), reader.partitions(t))));
      }
      reader.partitionsRead().stream()
          .filter(tp -> !tp.topic().equals(Topic.COMMITS.topicName()))
          .forEach(tp -> assertThat(allowed).contains(tp));
      long commits;
      try (LogReader full = new LogReader(connection)) {
        commits = full.read(EnumSet.of(Topic.COMMITS), null, null).size();
      }
      // Every per-resource record read is one of its history's: nothing else of its partitions.
      assertThat(reader.recordsRead() - commits).isEqualTo(h.entries().size());
      assertThat(h).isEqualTo(new AuditService(connection, null).history(key, null, null));
    }
  }

  private AuditService restarted(KafkaConnection connection) {
    AuditStore.closeForRestart(storeDir);
    AuditStore.at(storeDir).snapshotEvery(150, Duration.ZERO);
    return new AuditService(connection, storeDir);
  }

  /** What a process killed in the middle of a catch-up leaves: bytes past the commit. */
  private void leaveATornCatchUp() throws IOException {
    Files.write(
        storeDir.resolve("index/entries"), new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND);
    Files.writeString(
        storeDir.resolve("index/keys"),
        "generated//ConfigMap/team-0/half",
        StandardOpenOption.APPEND);
  }

  private static void assertSameAnswers(
      AuditService indexed, AuditService replay, List<Instant> times) {
    ResourceKey key = GeneratedLog.key(7);
    assertThat(indexed.history(key, null, null)).isEqualTo(replay.history(key, null, null));
    ResourceKey removed = GeneratedLog.key(3);
    Instant mid = times.get(times.size() - 1);
    assertThat(indexed.history(removed, mid, null)).isEqualTo(replay.history(removed, mid, null));
    for (Instant t : times) {
      assertThat(indexed.stateAt(t)).as("state at %s", t).isEqualTo(replay.stateAt(t));
    }
    LiveView.Now live = indexed.liveView().refresh();
    LiveView.Now full = replay.liveView().refresh();
    assertThat(live.resources()).isEqualTo(full.resources());
    assertThat(live.drift()).isEqualTo(full.drift());
    assertThat(live.awaitingApproval()).isEqualTo(full.awaitingApproval());
    assertThat(live.leftAsIs()).isEqualTo(full.leftAsIs());
    assertThat(live.warnings()).isEqualTo(full.warnings());
  }

  static void write(String bootstrap, List<EventEnvelope<OpsLedgerEvent>> events) {
    EventCodec codec = new EventCodec();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap))) {
      for (EventEnvelope<OpsLedgerEvent> e : events) {
        EncodedEvent encoded = codec.encode(e);
        ProducerRecord<String, byte[]> r = KafkaRecords.toProducerRecord(encoded);
        producer.send(
            new ProducerRecord<>(
                r.topic(), null, e.time().toEpochMilli(), r.key(), r.value(), r.headers()));
      }
      producer.flush();
    }
  }
}
