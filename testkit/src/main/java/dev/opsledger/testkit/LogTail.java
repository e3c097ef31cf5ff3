package dev.opsledger.testkit;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.ScannedRecord;
import dev.opsledger.kafka.TopicBootstrapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows topics in the background and keeps what a test asked for, to await and assert on: the
 * test-side counterpart of {@link dev.opsledger.kafka.LogScan}, but unbounded, since a test waits
 * for what the code under test has not written yet.
 *
 * <p>Tests share the broker, so a tail keeps only the records its filter accepts (a test's target
 * or source). Records that cannot be decoded are kept apart, in {@link #poison()}. Wait with {@link
 * TestAwait}: {@code await("…").until(() -> tail.has(...))}.
 */
public final class LogTail implements AutoCloseable {

  private static final Set<String> BOOTSTRAPPED = new HashSet<>();

  private final List<ScannedRecord> records = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<String, byte[]>> poison = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private LogTail(
      String bootstrapServers,
      List<Topic> topics,
      boolean fromEnd,
      Predicate<? super ScannedRecord> keep) {
    ensureTopics(bootstrapServers);
    consumer = new KafkaConsumer<>(KafkaSettings.consumer(bootstrapServers, null));
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic t : topics) {
      consumer
          .partitionsFor(t.topicName(), Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    if (fromEnd) {
      consumer.seekToEnd(partitions);
    } else {
      consumer.seekToBeginning(partitions);
    }
    // Resolve the positions now: "from the end" means the end when the tail was made.
    partitions.forEach(consumer::position);
    EventCodec codec = new EventCodec();
    thread = new Thread(() -> follow(codec, keep), "log-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** Follows {@code topics} from their beginning, keeping the records {@code keep} accepts. */
  public static LogTail fromBeginning(
      String bootstrapServers, Predicate<? super ScannedRecord> keep, Topic... topics) {
    return new LogTail(bootstrapServers, List.of(topics), false, keep);
  }

  /** Follows {@code topics} from their end now, keeping the records {@code keep} accepts. */
  public static LogTail fromEnd(
      String bootstrapServers, Predicate<? super ScannedRecord> keep, Topic... topics) {
    return new LogTail(bootstrapServers, List.of(topics), true, keep);
  }

  /** Accepts records whose key starts with {@code prefix} (e.g. a test's target and a slash). */
  public static Predicate<ScannedRecord> keyStartsWith(String prefix) {
    return r -> r.key() != null && r.key().startsWith(prefix);
  }

  /**
   * Creates the topic catalogue once per broker and JVM, as a service does at start, so that a tail
   * made before the service starts finds its partitions.
   */
  public static void ensureTopics(String bootstrapServers) {
    synchronized (BOOTSTRAPPED) {
      if (BOOTSTRAPPED.contains(bootstrapServers)) {
        return;
      }
      try (Admin admin = Admin.create(KafkaSettings.admin(KafkaConnection.of(bootstrapServers)))) {
        new TopicBootstrapper(admin, (short) -1, Duration.ofSeconds(60)).ensureCatalogue();
      }
      BOOTSTRAPPED.add(bootstrapServers);
    }
  }

  /** The records kept so far, in the order they were read (offset order per partition). */
  public List<ScannedRecord> records() {
    return List.copyOf(records);
  }

  /** The events kept so far. */
  public List<EventEnvelope<OpsLedgerEvent>> events() {
    return records.stream().map(ScannedRecord::event).toList();
  }

  /** The data of the events kept so far that are of {@code type}. */
  public <T extends OpsLedgerEvent> List<T> data(Class<T> type) {
    return records.stream()
        .map(ScannedRecord::data)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /** The events kept so far whose data matches. */
  public List<EventEnvelope<OpsLedgerEvent>> matching(Predicate<? super OpsLedgerEvent> match) {
    return events().stream().filter(e -> match.test(e.data())).toList();
  }

  /** Whether an event kept so far matches. */
  public boolean has(Predicate<? super OpsLedgerEvent> match) {
    return records.stream().anyMatch(r -> match.test(r.data()));
  }

  /** The events caused by one event id. */
  public List<EventEnvelope<OpsLedgerEvent>> causedBy(String id) {
    return events().stream().filter(e -> id.equals(e.causation())).toList();
  }

  /** Records the filter would not see because they cannot be decoded, of any key. */
  public List<ConsumerRecord<String, byte[]>> poison() {
    return List.copyOf(poison);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void follow(EventCodec codec, Predicate<? super ScannedRecord> keep) {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          try {
            ScannedRecord decoded = ScannedRecord.decode(r, codec);
            if (keep.test(decoded)) {
              records.add(decoded);
            }
          } catch (EventDecodingException e) {
            poison.add(r);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }
}
