package dev.opsledger.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a service's state from its newest snapshot and the records after it: the bounded
 * start-up read. Without a usable snapshot (none yet, an old log, a corrupt one, or a log that is
 * shorter than the snapshot says, e.g. a recreated topic) it reads the topics from the beginning,
 * as before snapshots existed: slower, never wrong.
 *
 * <p>The state is a {@link Projection}: a pure fold over records that can also be written as, and
 * restored from, snapshot entries. "Restore from a snapshot, then fold the tail" must equal "fold
 * the whole log"; each service's tests check it.
 */
public final class Rebuild {

  private static final Logger LOG = LoggerFactory.getLogger(Rebuild.class);

  private Rebuild() {}

  /** State rebuilt from the log, that can be written to and restored from a snapshot. */
  public interface Projection {

    /** Restores one entry of a snapshot, in the order they were written. */
    void restore(JsonNode entry);

    /** Folds one record of the log, in offset order per partition. */
    void apply(ScannedRecord record);

    /** Hands every entry of a snapshot of the current state to {@code out}. */
    void snapshot(Consumer<JsonNode> out);
  }

  /**
   * What a rebuild did.
   *
   * @param projection the state rebuilt
   * @param read the records read from the log (the snapshot's entries not included)
   * @param snapshot the snapshot it started from, or {@code null} for a full read
   * @param covers per partition, the offset up to which (exclusive) the state holds the log
   */
  public record Result<P extends Projection>(
      P projection,
      LogScan.Summary read,
      Checkpoints.Snapshot snapshot,
      Map<TopicPartition, Long> covers) {

    /** Whether it started from a snapshot. */
    public boolean fromSnapshot() {
      return snapshot != null;
    }

    /** Whether it started from a snapshot and read nothing after it: no new snapshot is needed. */
    public boolean nothingNew() {
      return fromSnapshot() && read.records() + read.poison() == 0;
    }

    /** Writes the state as the newest snapshot. */
    public Checkpoints.Snapshot checkpoint(Checkpoints checkpoints) {
      return checkpoints.write(snapshot, covers, projection::snapshot);
    }
  }

  /**
   * Rebuilds from {@code checkpoints}' newest snapshot and reads {@code topics} after it until
   * {@code until}.
   *
   * @param checkpoints where snapshots are, or {@code null} to read the whole log
   * @param fresh makes an empty projection (again, when a snapshot turns out unreadable)
   * @throws LogScanTimeoutException when the scan's budget is spent
   */
  public static <P extends Projection> Result<P> run(
      LogScan scan,
      Checkpoints checkpoints,
      Collection<String> topics,
      LogScan.Until until,
      Supplier<P> fresh) {
    Map<TopicPartition, OffsetRange> plan = scan.plan(topics, LogScan.From.beginning(), until);
    Optional<Checkpoints.Snapshot> loaded =
        checkpoints == null ? Optional.empty() : checkpoints.load(scan);
    P projection = fresh.get();
    Checkpoints.Snapshot snapshot = null;
    if (loaded.isPresent() && fits(loaded.get(), plan, checkpoints)) {
      try {
        checkpoints.entries(loaded.get(), projection::restore);
        snapshot = loaded.get();
      } catch (RuntimeException e) {
        LOG.warn(
            "the snapshot on {} cannot be restored, rebuilding from the whole log: {}",
            checkpoints.topicName(),
            e.toString());
        projection = fresh.get();
      }
    }
    Map<TopicPartition, OffsetRange> ranges = new LinkedHashMap<>();
    Map<TopicPartition, Long> covers = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetRange> e : plan.entrySet()) {
      OffsetRange r = e.getValue();
      long from = r.from();
      if (snapshot != null) {
        from = Math.max(from, snapshot.covers().getOrDefault(e.getKey(), 0L));
      }
      ranges.put(e.getKey(), new OffsetRange(from, r.to()));
      covers.put(e.getKey(), Math.max(from, r.to()));
    }
    LogScan.Summary read = scan.read(ranges, projection::apply);
    if (snapshot != null) {
      LOG.info(
          "restored {} entries of the snapshot of {} and read {} records after it",
          snapshot.entryCount(),
          snapshot.createdAt(),
          read.records() + read.poison());
    }
    return new Result<>(projection, read, snapshot, covers);
  }

  /**
   * Whether the snapshot can be continued on this log: it covers no offset past what the log has (a
   * recreated topic starts again at 0, so a snapshot of the old one would skip its records).
   */
  private static boolean fits(
      Checkpoints.Snapshot snapshot,
      Map<TopicPartition, OffsetRange> plan,
      Checkpoints checkpoints) {
    for (Map.Entry<TopicPartition, Long> e : snapshot.covers().entrySet()) {
      OffsetRange r = plan.get(e.getKey());
      if (r != null && e.getValue() > r.to()) {
        LOG.warn(
            "the snapshot on {} covers {} up to offset {} but the log ends at {}: rebuilding from"
                + " the whole log",
            checkpoints.topicName(),
            e.getKey(),
            e.getValue(),
            r.to());
        return false;
      }
    }
    return true;
  }
}
