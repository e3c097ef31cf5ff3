package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventType;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.ScannedRecord;
import dev.opsledger.notifier.notice.Notice;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one notifier replica knows when several run: every partition of the trigger topics and of
 * {@code opsledger.notifications}, read by a consumer of its own (assigned, no group, nothing
 * committed), so that its trackers, commit statuses and chat digest see every resource.
 *
 * <p>Who sends what:
 *
 * <ul>
 *   <li>a per-event notice (webhooks) is sent by the replica the shared group ({@code
 *       opsledger-notifier}) gives the partition of the record it derives from: that replica's
 *       binding receives the record, waits until this view has read it and sends the notices the
 *       view kept for it ({@link #owned}). What the view kept for records the shared group
 *       committed (another replica sent them) is dropped as the group's offsets advance; after a
 *       rebalance the new owner resumes at the group's committed offset and finds them kept;
 *   <li>commit statuses and the chat digest, which need every partition, are sent by the
 *       coordinator ({@link ReplicaLease}) only, once its view has read the notifications written
 *       before it took the lease (what the previous coordinator sent).
 * </ul>
 *
 * <p>At start it reads the notifications from {@code now - lookback} and the triggers from {@code
 * now - replay}: records the shared group had committed feed the trackers only, later ones are kept
 * for their owner. Nothing is sent before it has read up to the ends the log had at start.
 */
public final class ReplicaView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaView.class);
  private static final Duration REFRESH = Duration.ofSeconds(2);
  private static final byte[] HEALTH =
      EventType.RESOURCE_HEALTH_CHANGED.ceType().getBytes(StandardCharsets.UTF_8);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Admin admin;
  private final EventCodec codec;
  private final NotifierEngine engine;
  private final String group;
  private final String replica;
  private final List<String> triggers;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;

  // Guarded by this.
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, TreeMap<Long, List<Notice>>> kept = new HashMap<>();
  private final int capacity;
  private int keptCount;
  private boolean overCapacityTold;
  private Map<TopicPartition, Long> committed = Map.of();
  private Map<TopicPartition, Long> startEnds = Map.of();
  private Map<TopicPartition, Long> takeOverAt;
  private boolean ready;
  private boolean leaseHeld;

  /**
   * A view; {@link #start} starts reading.
   *
   * @param group the shared consumer group of the notifier's trigger bindings
   * @param triggers the trigger topics
   * @param capacity how many records' notices it keeps for their owners at most (the oldest of the
   *     fullest partition go first: a group that commits nothing for that long is stuck)
   */
  public ReplicaView(
      KafkaConnection connection,
      EventCodec codec,
      NotifierEngine engine,
      String group,
      String replica,
      List<String> triggers,
      Clock clock,
      int capacity) {
    Map<String, Object> config = KafkaSettings.consumer(connection, null);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-view-" + replica);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    this.consumer = new KafkaConsumer<>(config);
    this.admin = Admin.create(KafkaSettings.admin(connection));
    this.codec = codec;
    this.engine = engine;
    this.group = group;
    this.replica = replica;
    this.triggers = List.copyOf(triggers);
    this.clock = clock;
    this.capacity = capacity;
    this.thread = new Thread(this::run, "notifier-view");
    thread.setDaemon(true);
  }

  /**
   * Assigns every partition, seeks to where the history starts and starts reading.
   *
   * @param lookback how far back notifications are read; zero: from the beginning
   * @param replay how far back triggers are read; zero: from the beginning
   */
  public void start(Duration lookback, Duration replay, Duration timeout) {
    List<TopicPartition> all = new ArrayList<>();
    Map<TopicPartition, Long> seekTimes = new HashMap<>();
    Instant now = clock.instant();
    for (String topic : triggers) {
      var partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist: a notifier replica reads all of it");
      }
      partitions.forEach(
          p -> {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            all.add(tp);
            seekTimes.put(tp, since(now, replay));
          });
    }
    consumer
        .partitionsFor(Topic.NOTIFICATIONS.topicName(), timeout)
        .forEach(
            p -> {
              TopicPartition tp = new TopicPartition(p.topic(), p.partition());
              all.add(tp);
              seekTimes.put(tp, since(now, lookback));
            });
    consumer.assign(all);
    Map<TopicPartition, Long> timed = new HashMap<>();
    seekTimes.forEach(
        (tp, t) -> {
          if (t > 0) {
            timed.put(tp, t);
          }
        });
    Map<TopicPartition, OffsetAndTimestamp> found =
        timed.isEmpty() ? Map.of() : consumer.offsetsForTimes(timed, timeout);
    Map<TopicPartition, Long> ends = consumer.endOffsets(all, timeout);
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(all, timeout);
    for (TopicPartition tp : all) {
      long offset;
      if (!timed.containsKey(tp)) {
        offset = beginnings.getOrDefault(tp, 0L);
      } else {
        OffsetAndTimestamp at = found.get(tp);
        offset = at == null ? ends.getOrDefault(tp, 0L) : at.offset();
      }
      consumer.seek(tp, offset);
    }
    synchronized (this) {
      startEnds = Map.copyOf(ends);
      committed = committedOffsets(timeout);
      all.forEach(tp -> positions.put(tp, -1L));
    }
    thread.start();
  }

  private static long since(Instant now, Duration back) {
    return back.isZero() || back.isNegative() ? 0 : now.minus(back).toEpochMilli();
  }

  /** Whether the view has read up to the ends the log had at start. */
  public synchronized boolean ready() {
    return ready;
  }

  /**
   * The per-event notices of a record this replica's shared-group binding received (its partition
   * is this replica's), once the view has read it; empty when they were not kept (the record is
   * older than the history read at start).
   *
   * @throws TimeoutException when the view has not read it within {@code timeout}: a transient
   *     failure, the binding retries the record
   */
  public List<Notice> owned(String topic, int partition, long offset, Duration timeout)
      throws InterruptedException {
    TopicPartition tp = new TopicPartition(topic, partition);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!(ready && positions.getOrDefault(tp, -1L) > offset)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "the notifier's view has not read " + tp + "@" + offset + " yet");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      TreeMap<Long, List<Notice>> m = kept.get(tp);
      List<Notice> out = m == null ? null : m.remove(offset);
      if (out == null) {
        return List.of();
      }
      keptCount--;
      return out;
    }
  }

  /** Told by the lease: whether this replica holds it. */
  public void lease(boolean held) {
    boolean release = false;
    synchronized (this) {
      if (held && !leaseHeld) {
        takeOverAt = null; // set by the view's thread: the notifications' ends now
      }
      if (!held && leaseHeld) {
        release = true;
      }
      leaseHeld = held;
    }
    if (release) {
      engine.coordinate(false);
    }
  }

  private void run() {
    long nextRefresh = 0;
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<String, byte[]> r : records) {
          handle(r);
        }
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
          now.put(tp, consumer.position(tp));
        }
        boolean takeOver = false;
        long t = System.nanoTime();
        Map<TopicPartition, Long> fresh = null;
        if (t >= nextRefresh) {
          nextRefresh = t + REFRESH.toNanos();
          fresh = committedOffsets(REFRESH);
        }
        Map<TopicPartition, Long> notificationEnds = null;
        synchronized (this) {
          if (leaseHeld && takeOverAt == null && ready) {
            notificationEnds = new HashMap<>();
          }
        }
        if (notificationEnds != null) {
          List<TopicPartition> parts =
              consumer.assignment().stream()
                  .filter(tp -> tp.topic().equals(Topic.NOTIFICATIONS.topicName()))
                  .toList();
          notificationEnds.putAll(consumer.endOffsets(parts, Duration.ofSeconds(10)));
        }
        synchronized (this) {
          positions.putAll(now);
          if (!ready && caughtUp(startEnds)) {
            ready = true;
            LOG.info("notifier replica {}: the view has read the log up to its start", replica);
          }
          if (fresh != null) {
            committed = fresh;
            fresh.forEach(
                (tp, offset) -> {
                  TreeMap<Long, List<Notice>> m = kept.get(tp);
                  if (m != null) {
                    var passed = m.headMap(offset);
                    keptCount -= passed.size();
                    passed.clear();
                  }
                });
          }
          if (notificationEnds != null && leaseHeld && takeOverAt == null) {
            takeOverAt = notificationEnds;
          }
          if (leaseHeld && takeOverAt != null && caughtUp(takeOverAt)) {
            takeOver = true;
          }
          notifyAll();
        }
        if (takeOver && !engine.coordinator()) {
          engine.coordinate(true);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("notifier replica {}: the view stopped: {}", replica, e.toString(), e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      admin.close(Duration.ofSeconds(5));
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (positions.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    boolean notification = r.topic().equals(Topic.NOTIFICATIONS.topicName());
    if (r.topic().equals(Topic.OBSERVED.topicName())) {
      Header type = r.headers().lastHeader(CloudEventHeaders.TYPE);
      if (type == null || !java.util.Arrays.equals(type.value(), HEALTH)) {
        return;
      }
    }
    ScannedRecord decoded;
    try {
      decoded = ScannedRecord.decode(r, codec);
    } catch (EventDecodingException e) {
      return; // poison: the topic's bindings dead-letter it
    }
    if (notification) {
      engine.remember(decoded.event());
      return;
    }
    List<Notice> perEvent = engine.observeShared(decoded.event());
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    synchronized (this) {
      if (!perEvent.isEmpty() && r.offset() >= committed.getOrDefault(tp, 0L)) {
        if (kept.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), perEvent) == null) {
          keptCount++;
        }
        if (keptCount > capacity) {
          TreeMap<Long, List<Notice>> fullest =
              kept.values().stream().max(java.util.Comparator.comparingInt(TreeMap::size)).get();
          fullest.pollFirstEntry();
          keptCount--;
          if (!overCapacityTold) {
            overCapacityTold = true;
            LOG.warn(
                "notifier replica {}: more than {} records' notices wait for their owners ({} has"
                    + " committed nothing for long); the oldest are dropped",
                replica,
                capacity,
                group);
          }
        }
      }
    }
  }

  private Map<TopicPartition, Long> committedOffsets(Duration timeout) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach(
          (tp, om) -> {
            if (om != null) {
              out.put(tp, om.offset());
            }
          });
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return committed;
    } catch (Exception e) {
      LOG.warn(
          "notifier replica {}: could not read {}'s offsets: {}", replica, group, e.toString());
      synchronized (this) {
        return committed;
      }
    }
  }

  /** Stops reading. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
