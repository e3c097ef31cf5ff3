package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a source's checkpoint from the tail of {@code opsledger.commits}: the partition of the
 * source id (as the default partitioner picks it) is read backwards in windows until the source's
 * last {@code CommitObserved} is found. When a {@code CommitRejected} of the same commit precedes
 * it, the last good revision is the one that rejection names; otherwise it is that commit. A plain
 * consumer without a group: nothing is committed, nothing is shared.
 */
public final class CommitLogCheckpoints implements CheckpointReader {

  private static final Logger LOG = LoggerFactory.getLogger(CommitLogCheckpoints.class);
  private static final int WINDOW = 500;

  private final String bootstrapServers;
  private final EventCodec codec;
  private final Duration timeout;

  /**
   * A reader.
   *
   * @param bootstrapServers the Kafka bootstrap servers
   * @param codec the event codec
   * @param timeout how long one read may take
   */
  public CommitLogCheckpoints(String bootstrapServers, EventCodec codec, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.codec = codec;
    this.timeout = timeout;
  }

  @Override
  public Checkpoint read(String sourceId) {
    String topic = Topic.COMMITS.topicName();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrapServers, null))) {
      int partitions = consumer.partitionsFor(topic, timeout).size();
      if (partitions == 0) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist: the checkpoint cannot be read");
      }
      TopicPartition tp =
          new TopicPartition(
              topic,
              Utils.toPositive(Utils.murmur2(sourceId.getBytes(StandardCharsets.UTF_8)))
                  % partitions);
      consumer.assign(List.of(tp));
      long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
      long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
      String last = null;
      long sequence = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      for (long to = end; to > begin; to -= WINDOW) {
        long from = Math.max(begin, to - WINDOW);
        List<ConsumerRecord<String, byte[]>> window = readWindow(consumer, tp, from, to, deadline);
        for (int i = window.size() - 1; i >= 0; i--) {
          ConsumerRecord<String, byte[]> r = window.get(i);
          if (!sourceId.equals(r.key())) {
            continue;
          }
          OpsLedgerEvent event = decode(r);
          if (last == null) {
            if (event instanceof CommitObserved c && sourceId.equals(c.sourceId())) {
              last = c.sha();
              sequence = c.sequence() == null ? 0 : c.sequence();
            }
          } else if (event instanceof CommitRejected rej
              && sourceId.equals(rej.sourceId())
              && rej.sha().equals(last)) {
            return new Checkpoint(last, rej.lastGoodRevision(), sequence);
          } else if (event instanceof CommitObserved || event instanceof CommitRejected) {
            return new Checkpoint(last, last, sequence);
          }
        }
      }
      return last == null ? Checkpoint.NONE : new Checkpoint(last, last, sequence);
    }
  }

  private List<ConsumerRecord<String, byte[]>> readWindow(
      KafkaConsumer<String, byte[]> consumer,
      TopicPartition tp,
      long from,
      long to,
      long deadline) {
    consumer.seek(tp, from);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    while (consumer.position(tp) < to) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "reading the checkpoint from " + tp + " took longer than " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
        if (r.offset() < to) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private OpsLedgerEvent decode(ConsumerRecord<String, byte[]> r) {
    try {
      return codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()).data();
    } catch (EventDecodingException | RuntimeException e) {
      LOG.warn(
          "skipping an unreadable record at {}-{}@{} while reading a checkpoint: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return null;
    }
  }
}
