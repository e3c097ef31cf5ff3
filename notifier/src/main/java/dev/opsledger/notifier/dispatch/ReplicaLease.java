package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which notifier replica coordinates: the one its group assigns partition 0 of {@code
 * opsledger.commits}. A consumer that never reads (its partitions stay paused) and never commits;
 * it only takes part in the group, so a replica that stops hands the lease over as it leaves, and
 * one that dies loses it after the session timeout.
 *
 * <p>Close it only after the replica's dispatchers have drained: the next coordinator must find on
 * the log what this one sent.
 */
public final class ReplicaLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaLease.class);
  private static final TopicPartition LEASE = new TopicPartition(Topic.COMMITS.topicName(), 0);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String replica;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Consumer<Boolean> listener = held -> {};
  private volatile boolean held;

  /**
   * Joins {@code group} and keeps polling on a thread of its own.
   *
   * @param replica this replica's id, for the client id and the log lines
   * @param sessionTimeout how long a replica that died keeps the lease
   */
  public ReplicaLease(
      KafkaConnection connection, String group, String replica, Duration sessionTimeout) {
    Map<String, Object> config = KafkaSettings.consumer(connection, group);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + replica);
    // A replica that joins does not take the lease from the one holding it, even for a moment.
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    config.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, sessionTimeout.toMillis() / 4));
    this.consumer = new KafkaConsumer<>(config);
    this.replica = replica;
    this.thread = new Thread(this::run, "notifier-lease");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tells {@code listener} whether this replica holds the lease, now and on every change. */
  public void onChange(Consumer<Boolean> listener) {
    this.listener = listener;
    listener.accept(held);
  }

  /** Whether this replica holds the lease. */
  public boolean held() {
    return held;
  }

  private void run() {
    try {
      consumer.subscribe(
          List.of(LEASE.topic()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              if (partitions.contains(LEASE)) {
                set(false);
              }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              consumer.pause(partitions);
              if (partitions.contains(LEASE)) {
                set(true);
              }
            }
          });
      while (running) {
        consumer.poll(Duration.ofMillis(200));
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("notifier replica {}: the coordinator lease stopped: {}", replica, e.toString());
      set(false);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void set(boolean value) {
    if (held != value) {
      held = value;
      LOG.info(
          "notifier replica {} {} the coordinator (chat digest, commit statuses)",
          replica,
          value ? "is" : "is no longer");
    }
    listener.accept(value);
  }

  /** Leaves the group: another replica takes over at once. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (held) {
      held = false;
      listener.accept(false);
    }
  }
}
