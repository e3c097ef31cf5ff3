package dev.opsledger.differ.outbox;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A differ rebuild reads what was last published from the newest snapshot and the diffs after it,
 * and gets what a read of the whole topic gets; a corrupt snapshot costs a full read.
 */
class LastPublishedIT {

  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

  private final EventCodec codec = new EventCodec();
  private final String bootstrap = SharedKafka.bootstrapServers();
  private String checkpointTopic;

  @BeforeEach
  void aCheckpointTopicOfItsOwn() {
    checkpointTopic = "opsledger.differ.checkpoints.it-" + UUID.randomUUID();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30))
          .ensure(List.of(new TopicSpec(checkpointTopic, 1, CheckpointTopic.DIFFER.config())));
    }
  }

  @Test
  void aRebuildAfterASnapshotReadsOnlyTheDiffsPublishedAfterIt() {
    write(new GeneratedLog(30, 4, T0, 1));
    reader(checkpoints()).rebuild().checkpoint(checkpoints());
    long after = write(new GeneratedLog(10, 1, T0.plus(Duration.ofDays(1)), 2));

    Rebuild.Result<LastPublished.Projection> result = reader(checkpoints()).rebuild();

    assertThat(result.fromSnapshot()).isTrue();
    assertThat(result.read().records() + result.read().poison()).isEqualTo(after);
    assertThat(result.projection().last()).isEqualTo(reader(null).read());
  }

  @Test
  void aCorruptSnapshotIsIgnoredAndTheWholeTopicRead() throws Exception {
    write(new GeneratedLog(10, 2, T0.plus(Duration.ofDays(2)), 3));
    Checkpoints.Snapshot written = reader(checkpoints()).rebuild().checkpoint(checkpoints());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap))) {
      producer
          .send(
              new ProducerRecord<>(
                  checkpointTopic,
                  0,
                  "chunk/" + written.slot() + "/0",
                  ("{\"format\":1,\"snapshot\":\"" + written.id() + "\",\"entries\":[{\"x\":1}]}")
                      .getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    Rebuild.Result<LastPublished.Projection> result = reader(checkpoints()).rebuild();

    assertThat(result.fromSnapshot()).isFalse();
    assertThat(result.projection().last()).isEqualTo(reader(null).read());
  }

  private LastPublished reader(Checkpoints checkpoints) {
    return new LastPublished(
        KafkaConnection.of(bootstrap), codec, Duration.ofMinutes(1), checkpoints);
  }

  private Checkpoints checkpoints() {
    return new Checkpoints(
        bootstrap, checkpointTopic, "differ", Duration.ofSeconds(30), Clock.systemUTC());
  }

  /** Writes the log; returns how many records went to {@code opsledger.diffs}. */
  private long write(GeneratedLog log) {
    long[] diffs = {0};
    try (LogWriter writer = new LogWriter(bootstrap)) {
      log.write(
          e -> {
            if (e.type().topic() == Topic.DIFFS) {
              writer.write(e);
              diffs[0]++;
            }
          });
    }
    return diffs[0];
  }
}
