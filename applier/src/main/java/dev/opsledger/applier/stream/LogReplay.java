package dev.opsledger.applier.stream;

import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.engine.PendingWork;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the applier's memory at start by reading {@code opsledger.desired}, {@code
 * opsledger.applies}, {@code opsledger.diffs} and {@code opsledger.approvals} from the beginning
 * with a plain consumer (no group, nothing committed), up to the end offsets found at start.
 *
 * <p>Why re-read rather than keep a local snapshot: the log is the only state, so an applier
 * replaced on another node (or with a lost disk) starts right; the cost is a read of those topics
 * at start, which is bounded by {@code opsledger.applier.replay-timeout}. The stream bindings then
 * resume from their committed offsets; what they deliver again is handled idempotently.
 */
public final class LogReplay {

  private static final Logger LOG = LoggerFactory.getLogger(LogReplay.class);

  private final String bootstrapServers;
  private final EventCodec codec;
  private final Duration timeout;
  private final Clock clock;

  /** A replay against these servers. */
  public LogReplay(String bootstrapServers, EventCodec codec, Duration timeout, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.codec = codec;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Reads the log and restores the engine.
   *
   * @param engine the engine to restore
   * @param ours which resources this applier converges (others are not kept in memory)
   */
  public void restore(ApplyEngine engine, Predicate<dev.opsledger.events.ResourceKey> ours) {
    Instant start = clock.instant();
    PendingWork work = new PendingWork();
    List<SyncApproved> approvals = new ArrayList<>();
    long[] count = new long[1];
    // Desired first: the diffs and applies are interpreted against it.
    read(
        List.of(Topic.DESIRED.topicName()),
        e -> {
          if (e.data() instanceof ResourceEvent r && ours.test(r.resource())) {
            engine.onDesired(r);
          }
          count[0]++;
        });
    read(
        List.of(Topic.APPLIES.topicName(), Topic.DIFFS.topicName(), Topic.APPROVALS.topicName()),
        e -> {
          count[0]++;
          if (e.data() instanceof SyncApproved a) {
            approvals.add(a);
          } else if (e.data() instanceof ResourceEvent r && ours.test(r.resource())) {
            if (e.type().topic() == Topic.DIFFS) {
              work.diff(e);
            } else {
              work.apply(e);
            }
          }
        });
    engine.restore(work.derive(clock.instant()), approvals);
    LOG.info(
        "replayed {} records of the log in {} ms",
        count[0],
        Duration.between(start, clock.instant()).toMillis());
  }

  private void read(
      List<String> topics, java.util.function.Consumer<EventEnvelope<OpsLedgerEvent>> sink) {
    Map<String, Object> config = KafkaSettings.consumer(bootstrapServers, null);
    config.put("max.poll.records", "2000");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        for (PartitionInfo p : infos) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Instant deadline = clock.instant().plus(timeout);
      while (!caughtUp(consumer, end)) {
        if (clock.instant().isAfter(deadline)) {
          throw new IllegalStateException(
              "the replay of " + topics + " did not finish within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            sink.accept(codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
          } catch (EventDecodingException e) {
            // Poison records were dead-lettered by the bindings; they carry nothing to restore.
          }
        }
      }
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
