package dev.opsledger.audit;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import dev.opsledger.kafka.ScannedRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a time range of topics from the log, partition by partition, up to the end the log had when
 * the read started, with a {@link LogScan}. Uses no consumer group: reading for an audit never
 * moves a service's committed offsets and never competes with a service for partitions. Records
 * that cannot be decoded are handed on too, as unreadable {@link LoggedEvent}s: an audit shows
 * them.
 *
 * <p>A reader has a deadline ({@value #DEFAULT_DEADLINE_MINUTES} minutes unless given): reads still
 * running when it passes fail with {@link dev.opsledger.kafka.LogScanTimeoutException}.
 */
public final class LogReader implements AutoCloseable {

  /** Told how far a read has come, for progress bars. */
  public interface Progress {
    /** {@code done} of {@code total} records read. */
    void update(long done, long total);
  }

  /** How long a reader may read, by default. */
  public static final long DEFAULT_DEADLINE_MINUTES = 10;

  private final LogScan scan;

  /** A reader for the plaintext cluster at {@code bootstrapServers}, with the default deadline. */
  public LogReader(String bootstrapServers) {
    this(KafkaConnection.of(bootstrapServers));
  }

  /** A reader for the cluster {@code connection} reaches, with the default deadline. */
  public LogReader(KafkaConnection connection) {
    this(connection, Duration.ofMinutes(DEFAULT_DEADLINE_MINUTES));
  }

  /** A reader for the cluster {@code connection} reaches whose reads end by {@code deadline}. */
  public LogReader(KafkaConnection connection, Duration deadline) {
    this.scan = LogScan.open(connection, new EventCodec(), deadline);
  }

  /**
   * Hands every record of {@code topics} whose timestamp is in {@code [from, to]} to {@code sink},
   * in offset order per partition.
   *
   * @param from the first instant, or {@code null} for the start of the log
   * @param to the last instant, or {@code null} for the end the log has now
   * @param progress told of progress, or {@code null}
   */
  public void scan(
      Collection<Topic> topics,
      Instant from,
      Instant to,
      Consumer<LoggedEvent> sink,
      Progress progress) {
    scan.scan(
        topics.stream().map(Topic::topicName).toList(),
        From.time(from),
        Until.time(to),
        new LogScan.Handler() {
          @Override
          public void record(ScannedRecord r) {
            sink.accept(
                new LoggedEvent(
                    r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.event(), null));
          }

          @Override
          public void poison(ConsumerRecord<String, byte[]> r, EventDecodingException error) {
            sink.accept(
                new LoggedEvent(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    Instant.ofEpochMilli(r.timestamp()),
                    r.key(),
                    null,
                    error.getMessage()));
          }

          @Override
          public void progress(long done, long total) {
            if (progress != null) {
              progress.update(done, total);
            }
          }
        });
  }

  /** All records of {@code topics} in {@code [from, to]}, in log order across topics. */
  public List<LoggedEvent> read(Collection<Topic> topics, Instant from, Instant to) {
    List<LoggedEvent> out = new ArrayList<>();
    scan(topics, from, to, out::add, null);
    out.sort(LoggedEvent.LOG_ORDER);
    return out;
  }

  @Override
  public void close() {
    scan.close();
  }
}
