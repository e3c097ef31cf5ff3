package dev.opsledger.applier.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.applier.engine.PendingWork;
import dev.opsledger.applier.engine.ReplayState;
import dev.opsledger.applier.engine.Work;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.Rebuild;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.kafka.TopicSpec;
import dev.opsledger.testkit.GeneratedLog;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The applier restarted after a snapshot reads only the records written after it, and rebuilds the
 * state a replay of the whole log gives; a corrupt snapshot costs a full read, never a wrong state
 * or a failed start.
 */
class LogReplayIT {

  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
  private static final Set<Topic> READ =
      Set.of(Topic.DESIRED, Topic.DIFFS, Topic.APPLIES, Topic.APPROVALS);

  private final EventCodec codec = new EventCodec();
  private final String bootstrap = SharedKafka.bootstrapServers();
  private String checkpointTopic;

  @BeforeEach
  void aCheckpointTopicOfItsOwn() {
    checkpointTopic = "opsledger.applier.checkpoints.it-" + UUID.randomUUID();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30))
          .ensure(List.of(new TopicSpec(checkpointTopic, 1, CheckpointTopic.APPLIER.config())));
    }
  }

  @Test
  void aRestartAfterASnapshotReadsOnlyTheRecordsWrittenAfterIt() {
    write(new GeneratedLog(40, 5, T0, 1));
    Rebuild.Result<LogReplay.Projection> first = replay(checkpoints()).rebuild();
    assertThat(first.fromSnapshot()).isFalse();
    first.checkpoint(checkpoints());
    long after = write(new GeneratedLog(10, 2, T0.plus(Duration.ofDays(1)), 2));

    Rebuild.Result<LogReplay.Projection> second = replay(checkpoints()).rebuild();

    assertThat(second.fromSnapshot()).isTrue();
    assertThat(second.read().records() + second.read().poison()).isEqualTo(after);
    assertSameState(second.projection().state(), replay(null).rebuild().projection().state());
  }

  @Test
  void aRestartWithACorruptSnapshotReadsTheWholeLogAndRebuildsTheSameState() throws Exception {
    write(new GeneratedLog(20, 3, T0.plus(Duration.ofDays(2)), 3));
    Rebuild.Result<LogReplay.Projection> first = replay(checkpoints()).rebuild();
    Checkpoints.Snapshot written = first.checkpoint(checkpoints());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap))) {
      producer
          .send(
              new ProducerRecord<>(
                  checkpointTopic,
                  0,
                  "chunk/" + written.slot() + "/0",
                  ("{\"format\":1,\"snapshot\":\"" + written.id() + "\",\"entries\":[{\"kind\":")
                      .getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    Rebuild.Result<LogReplay.Projection> restarted = replay(checkpoints()).rebuild();

    assertThat(restarted.fromSnapshot()).isFalse();
    assertThat(restarted.read().records()).isEqualTo(first.read().records());
    assertSameState(restarted.projection().state(), replay(null).rebuild().projection().state());
  }

  private LogReplay replay(Checkpoints checkpoints) {
    return new LogReplay(
        KafkaConnection.of(bootstrap),
        codec,
        Duration.ofMinutes(1),
        Clock.systemUTC(),
        checkpoints,
        Integer.MAX_VALUE,
        Duration.ZERO);
  }

  private Checkpoints checkpoints() {
    return new Checkpoints(
        bootstrap, checkpointTopic, "applier", Duration.ofSeconds(30), Clock.systemUTC());
  }

  /** Writes the log; returns how many records went to the topics the applier reads. */
  private long write(GeneratedLog log) {
    long[] read = {0};
    try (LogWriter writer = new LogWriter(bootstrap)) {
      log.write(
          e -> {
            writer.write(e);
            if (READ.contains(e.type().topic())) {
              read[0]++;
            }
          });
    }
    return read[0];
  }

  private static void assertSameState(ReplayState actual, ReplayState expected) {
    Instant now = Instant.now();
    PendingWork.Derived a = actual.derive(now);
    PendingWork.Derived e = expected.derive(now);
    assertThat(attempts(a.pending())).isEqualTo(attempts(e.pending()));
    assertThat(attempts(a.awaiting())).isEqualTo(attempts(e.awaiting()));
    assertThat(new HashSet<>(a.done())).isEqualTo(new HashSet<>(e.done()));
    assertThat(a.lastApplied()).isEqualTo(e.lastApplied());
    assertThat(actual.resources()).isEqualTo(expected.resources());
    for (int i = 0; i < 40; i++) {
      assertThat(actual.view(GeneratedLog.key(i))).isEqualTo(expected.view(GeneratedLog.key(i)));
    }
  }

  private static Set<String> attempts(List<Work> work) {
    return work.stream().map(w -> w.id() + "#" + w.attempt()).collect(Collectors.toSet());
  }
}
