package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LogScan on a real broker: its bounds hold while writers keep writing, and committed offsets,
 * times and poison records are what Kafka says they are.
 */
class LogScanIT {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir static Path dataDir;
  private static EmbeddedKafkaBroker broker;
  private static KafkaProducer<String, byte[]> producer;

  private final EventCodec codec = new EventCodec();

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

  @Test
  void endsAtTheEndItSawAtStartWhileAWriterKeepsWriting() throws Exception {
    String topic = newTopic(3);
    for (int i = 0; i < 30; i++) {
      write(topic, "r" + i, T0);
    }
    List<String> read = new ArrayList<>();

    try (LogScan scan = open(Duration.ofSeconds(30))) {
      scan.scan(
          List.of(topic),
          From.beginning(),
          Until.endAtStart(),
          r -> {
            read.add(TestEvents.revision(r));
            // Every record read brings a new one: only the bound fixed at start ends the scan.
            write(topic, "late-" + read.size(), T0);
          });
    }

    assertThat(read).hasSize(30).noneMatch(r -> r.startsWith("late-"));
  }

  @Test
  void readsFromATimeUpToWhatAGroupCommitted() throws Exception {
    String topic = newTopic(1);
    for (int i = 0; i < 5; i++) {
      write(topic, "r" + i, T0.plusSeconds(60L * i));
    }
    commit("scan-it-group", new TopicPartition(topic, 0), 4);
    List<String> read = new ArrayList<>();

    try (LogScan scan = open(Duration.ofSeconds(30))) {
      scan.scan(
          List.of(topic),
          From.time(T0.plusSeconds(90)),
          Until.committedBy("scan-it-group"),
          r -> read.add(TestEvents.revision(r)));
    }

    assertThat(read).containsExactly("r2", "r3");
  }

  @Test
  void countsAndSkipsRecordsThatAreNotEvents() throws Exception {
    String topic = newTopic(1);
    write(topic, "before", T0);
    producer
        .send(new ProducerRecord<>(topic, "poison", "{".getBytes(StandardCharsets.UTF_8)))
        .get();
    write(topic, "after", T0);
    List<String> read = new ArrayList<>();

    LogScan.Summary summary;
    try (LogScan scan = open(Duration.ofSeconds(30))) {
      summary =
          scan.scan(
              List.of(topic),
              From.beginning(),
              Until.endAtStart(),
              r -> read.add(TestEvents.revision(r)));
    }

    assertThat(read).containsExactly("before", "after");
    assertThat(summary).isEqualTo(new LogScan.Summary(2, 1));
  }

  @Test
  void awaitingCommittedOffsetsEndsWhenTheGroupCatchesUp() throws Exception {
    String topic = newTopic(1);
    write(topic, "a", T0);
    write(topic, "b", T0);
    commit("scan-it-lagging", new TopicPartition(topic, 0), 1);

    try (LogScan scan = open(Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> scan.awaitCommitted(Map.of(topic, "scan-it-lagging")))
          .isInstanceOf(LogScanTimeoutException.class);
    }
    commit("scan-it-lagging", new TopicPartition(topic, 0), 2);
    try (LogScan scan = open(Duration.ofSeconds(30))) {
      scan.awaitCommitted(Map.of(topic, "scan-it-lagging"));
    }
  }

  @Test
  void failsWithATimeoutWhenNoBrokerAnswers() {
    try (LogScan scan = LogScan.open("127.0.0.1:1", codec, Duration.ofSeconds(2))) {
      assertThatThrownBy(
              () ->
                  scan.scan(
                      List.of("opsledger.diffs"), From.beginning(), Until.endAtStart(), r -> {}))
          .isInstanceOf(LogScanTimeoutException.class);
    }
  }

  private LogScan open(Duration budget) {
    return LogScan.open(broker.bootstrapServers(), codec, budget);
  }

  private static String newTopic(int partitions) throws Exception {
    String name = "logscan-it-" + TOPICS.incrementAndGet();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
    return name;
  }

  private void write(String topic, String revision, Instant time) {
    EncodedEvent e = TestEvents.approval("id-" + topic + "-" + revision, "source", revision, time);
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  null,
                  time.toEpochMilli(),
                  revision,
                  e.value(),
                  KafkaRecords.toKafkaHeaders(e.headers())))
          .get();
    } catch (Exception ex) {
      throw new IllegalStateException("the broker did not take a record", ex);
    }
  }

  private static void commit(String group, TopicPartition tp, long offset) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(broker.bootstrapServers(), group))) {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
