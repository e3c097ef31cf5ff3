package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The scan's bounds, poison handling and deadline, against Kafka's in-memory consumer. */
class LogScanTest {

  private static final String TOPIC = "opsledger.approvals";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final EventCodec codec = new EventCodec();
  private final TimedConsumer consumer = new TimedConsumer();
  private final Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
  private final List<ScannedRecord> seen = new ArrayList<>();

  LogScanTest() {
    consumer.updatePartitions(
        TOPIC,
        List.of(
            new PartitionInfo(TOPIC, 0, null, null, null),
            new PartitionInfo(TOPIC, 1, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
  }

  @Test
  void readsEveryPartitionFromTheBeginningToTheEndSeenAtStart() {
    write(P0, 0, "a", T0);
    write(P0, 1, "b", T0.plusSeconds(1));
    write(P1, 0, "c", T0.plusSeconds(2));
    consumer.updateEndOffsets(Map.of(P0, 2L, P1, 1L));
    // Written while the scan runs: past the end it fixed at start, so not read.
    consumer.schedulePollTask(() -> write(P0, 2, "late", T0.plusSeconds(3)));

    var summary = scan(From.beginning(), Until.endAtStart());

    assertThat(revisions()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(summary).isEqualTo(new LogScan.Summary(3, 0));
    ScannedRecord b = seen.stream().filter(r -> r.offset() == 1).findFirst().orElseThrow();
    assertThat(b.topic()).isEqualTo(TOPIC);
    assertThat(b.partition()).isZero();
    assertThat(b.key()).isEqualTo("source-b");
    assertThat(b.timestamp()).isEqualTo(T0.plusSeconds(1));
    assertThat(b.headers()).anyMatch(h -> h.name().equals("ce_type"));
    assertThat(new String(b.value(), StandardCharsets.UTF_8)).contains("\"revision\":\"b\"");
  }

  @Test
  void skipsAndCountsRecordsThatCannotBeDecoded() {
    write(P0, 0, "a", T0);
    consumer.append(
        new ConsumerRecord<>(
            TOPIC,
            0,
            1,
            T0.toEpochMilli(),
            TimestampType.CREATE_TIME,
            0,
            0,
            "poison",
            "not an event".getBytes(StandardCharsets.UTF_8),
            new RecordHeaders(),
            Optional.empty()));
    write(P0, 2, "c", T0);
    consumer.updateEndOffsets(Map.of(P0, 3L, P1, 0L));
    List<Long> poisonOffsets = new ArrayList<>();

    var summary =
        open()
            .scan(
                List.of(TOPIC),
                From.beginning(),
                Until.endAtStart(),
                new LogScan.Handler() {
                  @Override
                  public void record(ScannedRecord record) {
                    seen.add(record);
                  }

                  @Override
                  public void poison(
                      ConsumerRecord<String, byte[]> raw, EventDecodingException error) {
                    poisonOffsets.add(raw.offset());
                  }
                });

    assertThat(revisions()).containsExactly("a", "c");
    assertThat(poisonOffsets).containsExactly(1L);
    assertThat(summary).isEqualTo(new LogScan.Summary(2, 1));
  }

  @Test
  void startsAtTheFirstRecordAtOrAfterATime() {
    write(P0, 0, "old", T0);
    write(P0, 1, "new", T0.plusSeconds(60));
    write(P1, 0, "older", T0.minusSeconds(60));
    consumer.updateEndOffsets(Map.of(P0, 2L, P1, 1L));

    scan(From.time(T0.plusSeconds(30)), Until.endAtStart());

    assertThat(revisions()).containsExactly("new");
  }

  @Test
  void stopsAfterTheLastRecordAtOrBeforeATime() {
    write(P0, 0, "first", T0);
    write(P0, 1, "second", T0.plusSeconds(60));
    consumer.updateEndOffsets(Map.of(P0, 2L, P1, 0L));

    scan(From.beginning(), Until.time(T0));

    assertThat(revisions()).containsExactly("first");
  }

  @Test
  void stopsAtTheOffsetsAGroupCommittedAndSkipsPartitionsItNeverCommitted() {
    write(P0, 0, "handled", T0);
    write(P0, 1, "not yet", T0);
    write(P1, 0, "never committed", T0);
    consumer.updateEndOffsets(Map.of(P0, 2L, P1, 1L));
    committed.put("notifier", Map.of(P0, 1L));

    scan(From.beginning(), Until.committedBy("notifier"));

    assertThat(revisions()).containsExactly("handled");
  }

  @Test
  void readsNothingFromATopicThatDoesNotExist() {
    var summary =
        open().scan(List.of("opsledger.nothing"), From.beginning(), Until.endAtStart(), seen::add);

    assertThat(summary).isEqualTo(LogScan.Summary.EMPTY);
  }

  @Test
  void failsWithATimeoutWhenTheEndIsNotReachedBeforeTheDeadline() {
    write(P0, 0, "a", T0);
    // The log claims records it never delivers: the scan cannot reach its end.
    consumer.updateEndOffsets(Map.of(P0, 5L, P1, 0L));
    LogScan scan = open(new SteppingClock(Duration.ofSeconds(1)), Duration.ofSeconds(10));

    assertThatThrownBy(
            () -> scan.scan(List.of(TOPIC), From.beginning(), Until.endAtStart(), seen::add))
        .isInstanceOf(LogScanTimeoutException.class)
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("PT10S");
    assertThat(revisions()).containsExactly("a");
  }

  @Test
  void aClusterThatNeverAnswersIsReportedUnreachableAfterTheFirstContactWaitNotTheWholeBudget() {
    consumer.unreachable = true;
    LogScan scan = open(Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(10));

    assertThatThrownBy(
            () -> scan.scan(List.of(TOPIC), From.beginning(), Until.endAtStart(), seen::add))
        .isInstanceOf(KafkaUnavailableException.class)
        .isNotInstanceOf(LogScanTimeoutException.class)
        .hasMessageContaining("cannot reach Kafka at 127.0.0.1:9")
        .hasMessageContaining("is the broker running?");
    assertThat(consumer.waitedFor).containsExactly(LogScan.FIRST_CONTACT);
  }

  @Test
  void awaitingCommittedOffsetsReturnsOnceEveryGroupReachedTheEndSeenAtStart() throws Exception {
    consumer.updateEndOffsets(Map.of(P0, 3L, P1, 0L));
    committed.put("differ-desired", Map.of(P0, 3L));

    open().awaitCommitted(Map.of(TOPIC, "differ-desired"));
  }

  @Test
  void awaitingCommittedOffsetsTimesOutWhileAGroupLagsBehind() {
    consumer.updateEndOffsets(Map.of(P0, 3L, P1, 0L));
    committed.put("differ-desired", Map.of(P0, 2L));
    LogScan scan = open(new SteppingClock(Duration.ofMillis(100)), Duration.ofSeconds(1));

    assertThatThrownBy(() -> scan.awaitCommitted(Map.of(TOPIC, "differ-desired")))
        .isInstanceOf(LogScanTimeoutException.class);
  }

  private LogScan.Summary scan(From from, Until until) {
    try (LogScan scan = open()) {
      return scan.scan(List.of(TOPIC), from, until, seen::add);
    }
  }

  private LogScan open() {
    return open(Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(1));
  }

  private LogScan open(Clock clock, Duration budget) {
    return new LogScan(
        consumer,
        (group, timeout) -> committed.getOrDefault(group, Map.of()),
        codec,
        clock,
        budget,
        "127.0.0.1:9");
  }

  private List<String> revisions() {
    return seen.stream().map(TestEvents::revision).toList();
  }

  private void write(TopicPartition tp, long offset, String revision, Instant time) {
    String source = "source-" + revision;
    EncodedEvent e = TestEvents.approval("id-" + revision, source, revision, time);
    consumer.append(
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            time.toEpochMilli(),
            TimestampType.CREATE_TIME,
            0,
            e.value().length,
            source,
            e.value(),
            KafkaRecords.toKafkaHeaders(e.headers()),
            Optional.empty()));
  }

  /**
   * Kafka's in-memory consumer over a log of records: it takes records only for assigned
   * partitions, so they are handed over when a poll asks; it also answers {@code offsetsForTimes}.
   */
  private static final class TimedConsumer extends MockConsumer<String, byte[]> {

    private final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> log = new HashMap<>();
    private final Map<TopicPartition, Integer> handedOver = new HashMap<>();
    boolean unreachable;
    final List<Duration> waitedFor = new ArrayList<>();

    @Override
    public synchronized List<org.apache.kafka.common.PartitionInfo> partitionsFor(
        String topic, Duration timeout) {
      if (unreachable) {
        waitedFor.add(timeout);
        throw new org.apache.kafka.common.errors.TimeoutException(
            "Timeout expired while fetching topic metadata");
      }
      return super.partitionsFor(topic, timeout);
    }

    TimedConsumer() {
      super("earliest");
    }

    synchronized void append(ConsumerRecord<String, byte[]> r) {
      log.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>())
          .add(r);
    }

    @Override
    public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
        Duration timeout) {
      for (TopicPartition tp : assignment()) {
        List<ConsumerRecord<String, byte[]>> records = log.getOrDefault(tp, List.of());
        for (int i = handedOver.getOrDefault(tp, 0); i < records.size(); i++) {
          addRecord(records.get(i));
        }
        handedOver.put(tp, records.size());
      }
      return super.poll(timeout);
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
        Map<TopicPartition, Long> query) {
      Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
      query.forEach(
          (tp, time) -> {
            for (ConsumerRecord<String, byte[]> r : log.getOrDefault(tp, List.of())) {
              if (r.timestamp() >= time) {
                out.put(tp, new OffsetAndTimestamp(r.offset(), r.timestamp()));
                return;
              }
            }
          });
      return out;
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
        Map<TopicPartition, Long> query, Duration timeout) {
      return offsetsForTimes(query);
    }
  }

  /** A clock that moves on by a step each time it is read. */
  private static final class SteppingClock extends Clock {

    private final Duration step;
    private Instant now = T0;

    SteppingClock(Duration step) {
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      now = now.plus(step);
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
