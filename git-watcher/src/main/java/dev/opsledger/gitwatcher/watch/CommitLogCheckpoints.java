package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.OffsetRange;
import dev.opsledger.kafka.ScannedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a source's checkpoint from the tail of {@code opsledger.commits}: the partition of the
 * source id (as the default partitioner picks it) is read backwards in windows until the source's
 * last {@code CommitObserved} is found. When a {@code CommitRejected} of the same commit precedes
 * it, the last good revision is the one that rejection names; otherwise it is that commit. A plain
 * {@link LogScan}: nothing is committed, nothing is shared; one read is bounded by {@code timeout}.
 */
public final class CommitLogCheckpoints implements CheckpointReader {

  private static final Logger LOG = LoggerFactory.getLogger(CommitLogCheckpoints.class);
  private static final int WINDOW = 500;

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Duration timeout;

  /**
   * A reader.
   *
   * @param connection the cluster, with its client properties
   * @param codec the event codec
   * @param timeout how long one read may take
   */
  public CommitLogCheckpoints(KafkaConnection connection, EventCodec codec, Duration timeout) {
    this.connection = connection;
    this.codec = codec;
    this.timeout = timeout;
  }

  @Override
  public Checkpoint read(String sourceId) {
    String topic = Topic.COMMITS.topicName();
    try (LogScan scan = LogScan.open(connection, codec, timeout)) {
      int partitions = scan.partitions(topic).size();
      if (partitions == 0) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist: the checkpoint cannot be read");
      }
      TopicPartition tp =
          new TopicPartition(
              topic,
              Utils.toPositive(Utils.murmur2(sourceId.getBytes(StandardCharsets.UTF_8)))
                  % partitions);
      OffsetRange all =
          scan.plan(List.of(topic), LogScan.From.beginning(), LogScan.Until.endAtStart()).get(tp);
      String last = null;
      long sequence = 0;
      for (long to = all.to(); to > all.from(); to -= WINDOW) {
        List<ScannedRecord> window = readWindow(scan, tp, Math.max(all.from(), to - WINDOW), to);
        for (int i = window.size() - 1; i >= 0; i--) {
          ScannedRecord r = window.get(i);
          if (!sourceId.equals(r.key())) {
            continue;
          }
          OpsLedgerEvent event = r.data();
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

  private static List<ScannedRecord> readWindow(
      LogScan scan, TopicPartition tp, long from, long to) {
    List<ScannedRecord> out = new ArrayList<>();
    LogScan.Summary read = scan.read(Map.of(tp, new OffsetRange(from, to)), out::add);
    if (read.poison() > 0) {
      LOG.warn(
          "skipped {} unreadable records of {} [{}, {}) while reading a checkpoint",
          read.poison(),
          tp,
          from,
          to);
    }
    return out;
  }
}
