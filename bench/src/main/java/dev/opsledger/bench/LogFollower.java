package dev.opsledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code opsledger.desired}, {@code opsledger.diffs} and {@code opsledger.applies} of a
 * running {@code up} from the beginning with a plain {@link KafkaConsumer} (no group, nothing
 * committed: it changes nothing on the broker), on its own thread, and remembers per resource key
 * its latest diff type, every {@code ApplySucceeded}, and every event with its revision and the
 * moment this process received it (for the stages of a change). The bench waits on it.
 */
final class LogFollower implements AutoCloseable {

  static final String DESIRED = "opsledger.desired";
  static final String DIFFS = "opsledger.diffs";
  static final String APPLIES = "opsledger.applies";
  static final String IN_SYNC = "dev.opsledger.diff.insync";
  static final String APPLY_SUCCEEDED = "dev.opsledger.apply.succeeded";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One {@code ApplySucceeded} of a resource.
   *
   * @param revision the desired revision applied
   * @param outcome {@code CREATED}, {@code PATCHED}, …
   * @param receivedNanos {@link System#nanoTime()} when the bench's consumer received it
   * @param timestampMillis the record's timestamp (the applier's producer set it)
   */
  record Applied(String revision, String outcome, long receivedNanos, long timestampMillis) {}

  /**
   * One event of a resource on any of the three topics.
   *
   * @param type its {@code ce_type}
   * @param revision the desired revision it names ({@code revision} or {@code desiredRevision})
   * @param receivedNanos {@link System#nanoTime()} when the bench's consumer received it
   */
  record Seen(String type, String revision, long receivedNanos) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final Map<String, String> lastDiff = new ConcurrentHashMap<>();
  private final Map<String, List<Applied>> applied = new ConcurrentHashMap<>();
  private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
  private final Object changed = new Object();
  private volatile boolean running = true;
  private volatile Exception failure;

  LogFollower(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // The bench times arrivals: answer a fetch as soon as one record is there.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                50));
    thread = new Thread(this::follow, "log-follower");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      while (running && partitions.isEmpty()) {
        // The services create their topics once they start; until then there is nothing to read.
        for (String topic : List.of(DESIRED, DIFFS, APPLIES)) {
          consumer.listTopics().getOrDefault(topic, List.of()).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .forEach(partitions::add);
        }
        if (partitions.stream().map(TopicPartition::topic).distinct().count() < 3) {
          partitions.clear();
          java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        var records = consumer.poll(Duration.ofMillis(200));
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : records) {
          record(r, now);
        }
        if (!records.isEmpty()) {
          synchronized (changed) {
            changed.notifyAll();
          }
        }
      }
    } catch (WakeupException stopping) {
      // close() woke it up.
    } catch (Exception e) {
      failure = e;
      synchronized (changed) {
        changed.notifyAll();
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void record(ConsumerRecord<String, byte[]> r, long now) throws IOException {
    Header header = r.headers().lastHeader("ce_type");
    if (header == null || r.key() == null) {
      return;
    }
    String type = new String(header.value(), StandardCharsets.UTF_8);
    JsonNode body = JSON.readTree(r.value());
    String revision =
        body.hasNonNull("desiredRevision")
            ? body.get("desiredRevision").asText()
            : body.path("revision").asText("");
    seen.computeIfAbsent(r.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(new Seen(type, revision, now));
    if (r.topic().equals(DIFFS)) {
      lastDiff.put(r.key(), type);
    } else if (type.equals(APPLY_SUCCEEDED)) {
      applied
          .computeIfAbsent(r.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(
              new Applied(
                  body.path("desiredRevision").asText(""),
                  body.path("outcome").asText(""),
                  now,
                  r.timestamp()));
    }
  }

  /** When the first event of this type naming this revision of the resource arrived, or -1. */
  long firstSeen(String key, String type, String revision) {
    return seen.getOrDefault(key, List.of()).stream()
        .filter(e -> e.type().equals(type) && e.revision().equals(revision))
        .mapToLong(Seen::receivedNanos)
        .findFirst()
        .orElse(-1);
  }

  /** Resources whose latest diff event says in sync. */
  int inSync() {
    return (int) lastDiff.values().stream().filter(IN_SYNC::equals).count();
  }

  /**
   * Waits until {@code n} resources are in sync after {@code up} is up, and returns how many
   * seconds that took; fails with {@code up}'s last lines when they never are.
   */
  double awaitFirstSync(int n, Duration timeout, LiveUp up) throws InterruptedException {
    long start = System.nanoTime();
    if (!awaitInSync(n, timeout)) {
      throw new IllegalStateException(
          "never in sync: "
              + inSync()
              + " of "
              + n
              + "; up's last lines:\n"
              + String.join("\n", up.lastLines(30)));
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Waits until at least {@code n} resources are in sync, saying how far it got every 30 s (a first
   * sync of 10,000 takes minutes); false on timeout.
   */
  boolean awaitInSync(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (await(() -> inSync() >= n, Duration.ofNanos(Math.min(left, 30_000_000_000L)))) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      System.out.printf(
          "  %,d of %,d in sync, load average %s%n", inSync(), n, Machine.loadAverage());
    }
  }

  /** The first {@code ApplySucceeded} of the resource that matches, waiting for it. */
  Optional<Applied> awaitApplied(String key, Predicate<Applied> which, Duration timeout)
      throws InterruptedException {
    Applied[] found = new Applied[1];
    await(
        () -> {
          found[0] =
              applied.getOrDefault(key, List.of()).stream().filter(which).findFirst().orElse(null);
          return found[0] != null;
        },
        timeout);
    return Optional.ofNullable(found[0]);
  }

  private boolean await(java.util.function.BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (!done.getAsBoolean()) {
        if (failure != null) {
          throw new IllegalStateException("the log follower failed", failure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
      }
      return true;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
