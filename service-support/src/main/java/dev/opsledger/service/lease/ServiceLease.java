package dev.opsledger.service.lease;

import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.kafka.TopicSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica of a service is active: the one the group coordinator assigns partition 0 of the
 * service's one-partition lease topic ({@code opsledger.leases.<service>}, group {@code
 * opsledger-<service>-lease}). A plain consumer on its own thread keeps the membership by polling.
 *
 * <ul>
 *   <li><b>Sticky.</b> The cooperative sticky assignor keeps the partition where it is when a
 *       standby joins or restarts: the holder never flips for a newcomer.
 *   <li><b>Close hands over at once.</b> {@link #close()} stands by, then leaves the group, so the
 *       standby is assigned the partition at its next heartbeat.
 *   <li><b>A crash hands over after the session timeout</b> ({@link LeaseSettings#sessionTimeout}),
 *       when the coordinator expires the silent member.
 *   <li><b>A holder cut off from the coordinator stands by on its own</b> once it has sent no
 *       heartbeat for a session timeout, since by then the coordinator has given the partition to
 *       another replica. It becomes active again only if it still holds the partition when its
 *       heartbeats come back.
 *   <li><b>Forwarding.</b> Records written to the lease topic ({@link #forward}) are read by the
 *       holder only (from the end of the log when it takes over), so a standby can hand work it
 *       received (a webhook) to the active replica.
 * </ul>
 *
 * <p>The lease is one Kafka consumer and one thread per service, and one producer, created on the
 * first {@link #forward}. A disabled lease ({@link #alwaysHeld}) is active from {@link #start} on,
 * with no thread and no client.
 */
public final class ServiceLease implements AutoCloseable {

  /** What a service does when it gains or loses the lease; called on the lease's thread. */
  public interface Listener {
    /** This replica holds the lease: start the work (must not block). */
    void onActive();

    /** This replica lost the lease or is closing: stop starting work (must not block). */
    void onStandby();

    /**
     * A record another replica forwarded to the holder; called only while active.
     *
     * @param key the record's key
     * @param value its value
     */
    default void onForwarded(String key, String value) {}
  }

  /** The prefix of the lease topics. */
  public static final String TOPIC_PREFIX = "opsledger.leases.";

  /** Forwarded records are only useful for seconds; an hour bounds the topic. */
  static final Duration RETENTION = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLease.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TOPIC_READY = Duration.ofSeconds(30);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(30);
  private static final Duration TOPIC_CHECK = Duration.ofSeconds(30);
  private static final String HEARTBEAT_METRIC = "last-heartbeat-seconds-ago";

  private final String service;
  private final String name;
  private final LeaseSettings settings;
  private final KafkaConnection connection;
  private final TopicPartition partition;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closeSignal = new CountDownLatch(1);

  private volatile Listener listener;
  private volatile boolean active;
  private volatile boolean closing;
  private volatile boolean halting;
  private volatile Thread thread;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;

  /** Whether a rebalance completed for this member (with or without the partition). */
  private volatile boolean joined;

  /** Whether the coordinator assigned us partition 0; written on the lease thread only. */
  private boolean assigned;

  private long startedNanos;

  private ServiceLease(
      String service,
      String name,
      LeaseSettings settings,
      KafkaConnection connection,
      MeterRegistry meters) {
    this.service = service;
    this.name = name;
    this.settings = settings;
    this.connection = connection;
    this.partition = new TopicPartition(topic(name), 0);
    if (meters != null) {
      Gauge.builder("opsledger.lease.active", this, l -> l.active ? 1 : 0)
          .description("1 while this replica holds its service's lease (active), 0 on standby")
          .tag("service", service)
          .tag("lease", name)
          .register(meters);
    }
  }

  /**
   * A lease for {@code service}, not started; with {@code settings.enabled()} false, a lease that
   * is always held.
   *
   * @param service the service's name, e.g. {@code git-watcher}
   * @param scope what this deployment of the service watches (source ids, target names): the
   *     replicas of one deployment share a lease, other deployments do not (see {@link
   *     LeaseSettings#leaseName})
   * @param settings the lease's settings
   * @param connection the cluster
   * @param meters where {@code opsledger.lease.active} goes; null for none
   */
  public static ServiceLease of(
      String service,
      Collection<String> scope,
      LeaseSettings settings,
      KafkaConnection connection,
      MeterRegistry meters) {
    return new ServiceLease(
        service,
        settings.leaseName(service, scope),
        settings.enabled() ? settings : disabled(settings),
        connection,
        meters);
  }

  /** A lease that is held from {@link #start} on, with no client: one replica only. */
  public static ServiceLease alwaysHeld(String service, MeterRegistry meters) {
    return new ServiceLease(service, service, disabled(LeaseSettings.DEFAULTS), null, meters);
  }

  private static LeaseSettings disabled(LeaseSettings s) {
    return new LeaseSettings(false, s.sessionTimeout(), s.heartbeatInterval(), s.name());
  }

  /** The topic of the lease {@code name}. */
  public static String topic(String name) {
    return TOPIC_PREFIX + name;
  }

  /** The consumer group of the lease {@code name}. */
  public static String group(String name) {
    return "opsledger-" + name + "-lease";
  }

  /** The service's name. */
  public String service() {
    return service;
  }

  /** The lease's name (see {@link LeaseSettings#leaseName}). */
  public String name() {
    return name;
  }

  /** Whether the lease is taken at all (false: always held). */
  public boolean enabled() {
    return settings.enabled();
  }

  /** Whether this replica holds the lease now. */
  public boolean active() {
    return active;
  }

  /** Whether this replica is a member of the group with a completed rebalance (for tests). */
  boolean joined() {
    return joined;
  }

  /**
   * Starts competing for the lease; {@code listener} hears of every change from now on. Returns at
   * once: the lease is taken on its own thread (an always-held lease calls {@code onActive} before
   * returning).
   *
   * @throws IllegalStateException when started twice
   */
  public synchronized void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("the " + service + " lease is already started");
    }
    this.listener = listener;
    startedNanos = System.nanoTime();
    if (!settings.enabled()) {
      LOG.info("{}: no lease (lease.enabled=false), this replica is active", service);
      becomeActive();
      return;
    }
    Thread t = new Thread(this::run, "opsledger-lease-" + service);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /**
   * Writes a record for the holder (which may be this replica) to read, through the lease topic.
   *
   * @return completes when Kafka acknowledged the record
   */
  public CompletableFuture<Void> forward(String key, String value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!settings.enabled()) {
      if (listener != null) {
        listener.onForwarded(key, value);
      }
      done.complete(null);
      return done;
    }
    try {
      producer()
          .send(
              new ProducerRecord<>(
                  partition.topic(), 0, key, value.getBytes(StandardCharsets.UTF_8)),
              (metadata, error) -> {
                if (error == null) {
                  done.complete(null);
                } else {
                  done.completeExceptionally(error);
                }
              });
    } catch (KafkaException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Stands by, then leaves the group at once, so a standby takes over without waiting. */
  @Override
  public void close() {
    stop(false);
  }

  /**
   * Stops without leaving the group, as a crashed process would: the coordinator gives the lease to
   * a standby only after the session timeout. For tests and failover drills.
   */
  public void halt() {
    stop(true);
  }

  private void stop(boolean halt) {
    Thread t;
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      halting = halt;
      t = thread;
    }
    closeSignal.countDown();
    if (t == null) {
      becomeStandby();
    } else {
      KafkaConsumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
      try {
        if (!stopped.await(settings.sessionTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
          LOG.warn("{}: the lease thread did not stop in time", service);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
        producer = null;
      }
    }
  }

  /**
   * Holds the membership until closed. A consumer that fails (bootstrap servers not resolvable yet,
   * a fatal error of the group) is made again after a pause, standing by meanwhile, so a replica
   * never stays a standby for good because Kafka was not there at its start.
   */
  private void run() {
    try {
      Duration pause = Duration.ofSeconds(1);
      while (!closing) {
        try {
          runConsumer();
        } catch (RuntimeException e) {
          LOG.error(
              "{}: the lease's consumer failed; this replica stands by and tries again in {}",
              service,
              pause,
              e);
          becomeStandby();
          assigned = false;
          if (closeSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
          pause =
              pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      becomeStandby();
      consumer = null;
      stopped.countDown();
    }
  }

  private void runConsumer() {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig())) {
      consumer = c;
      ensureTopic(c);
      if (closing) {
        return;
      }
      c.subscribe(List.of(partition.topic()), new Rebalance());
      pollUntilClosed(c);
      becomeStandby();
      if (halting) {
        c.close(
            CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ZERO));
      } else {
        c.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(5)));
      }
    } finally {
      consumer = null;
    }
  }

  private void pollUntilClosed(KafkaConsumer<String, byte[]> c) {
    long nextTopicCheck = System.nanoTime() + TOPIC_CHECK.toNanos();
    while (!closing) {
      try {
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
          if (active) {
            forwarded(r);
          }
        }
        refresh(c);
        if (!assigned && System.nanoTime() - nextTopicCheck > 0) {
          nextTopicCheck = System.nanoTime() + TOPIC_CHECK.toNanos();
          ensureTopic(c);
        }
      } catch (WakeupException e) {
        // close() or halt(): the loop condition ends it.
      } catch (RetriableException e) {
        LOG.warn("{}: lease poll failed, trying again: {}", service, e.toString());
        refresh(c);
      }
      // Any other KafkaException is fatal for this consumer: run() makes a new one.
    }
  }

  private void forwarded(ConsumerRecord<String, byte[]> r) {
    String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
    try {
      listener.onForwarded(r.key(), value);
    } catch (RuntimeException e) {
      LOG.error("{}: a forwarded record ({}) failed; it is dropped", service, r.key(), e);
    }
  }

  /** Active iff the partition is ours and the coordinator has heard from us recently. */
  private void refresh(KafkaConsumer<String, byte[]> c) {
    boolean reachable = heartbeatFresh(c);
    if (assigned && reachable && !active) {
      becomeActive();
    } else if (active && (!assigned || !reachable)) {
      if (!reachable) {
        LOG.warn(
            "{}: no heartbeat reached the group coordinator for {}; standing by, since a standby"
                + " may hold the lease by now",
            service,
            settings.sessionTimeout());
      }
      becomeStandby();
    }
  }

  private boolean heartbeatFresh(KafkaConsumer<String, byte[]> c) {
    for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e :
        c.metrics().entrySet()) {
      if (HEARTBEAT_METRIC.equals(e.getKey().name())) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
          // A heartbeat short of the session timeout: the metric counts whole seconds and the
          // loop looks every half second, so standing by a little early keeps the holder from
          // working on while the coordinator already gives the lease away.
          return n.doubleValue() * 1000
              < settings.sessionTimeout().minus(settings.heartbeatInterval()).toMillis();
        }
        return true;
      }
    }
    return true;
  }

  private synchronized void becomeActive() {
    if (active || closing) {
      return;
    }
    active = true;
    LOG.info(
        "{}: this replica holds the lease and is active ({} ms after start)",
        service,
        (System.nanoTime() - startedNanos) / 1_000_000);
    try {
      listener.onActive();
    } catch (RuntimeException e) {
      LOG.error("{}: starting the active work failed", service, e);
    }
  }

  private synchronized void becomeStandby() {
    if (!active) {
      return;
    }
    active = false;
    LOG.info(
        "{}: this replica {}", service, closing ? "gives up the lease" : "lost the lease, standby");
    try {
      listener.onStandby();
    } catch (RuntimeException e) {
      LOG.error("{}: stopping the active work failed", service, e);
    }
  }

  /**
   * Creates the lease topic unless the consumer's metadata already has it: after the first start of
   * a deployment, no admin client is created, which keeps the lease wait at start short.
   */
  private void ensureTopic(KafkaConsumer<String, byte[]> c) {
    try {
      if (!c.partitionsFor(partition.topic(), TOPIC_READY).isEmpty()) {
        return;
      }
    } catch (KafkaException e) {
      // Not known or not authorised to describe: let the admin client say which.
    }
    if (closing) {
      return;
    }
    try (Admin admin = Admin.create(KafkaSettings.admin(connection))) {
      new TopicBootstrapper(admin, (short) -1, TOPIC_READY)
          .ensure(
              List.of(
                  new TopicSpec(
                      partition.topic(),
                      1,
                      Map.of(
                          "cleanup.policy",
                          "delete",
                          "retention.ms",
                          Long.toString(RETENTION.toMillis())))));
    } catch (RuntimeException e) {
      // Topics managed outside (Strimzi KafkaTopic) and a service that may not create them: no
      // replica can hold the lease, so no replica works, until the topic exists. Said loudly,
      // and again every TOPIC_CHECK while this replica holds nothing.
      LOG.error(
          "{}: the lease topic {} does not exist and cannot be created ({}): no replica of this"
              + " service works until it does. Create it with 1 partition (and grant Read, Write,"
              + " Describe on it and Read, Describe on the group {}), or set lease.enabled=false"
              + " for a single replica",
          service,
          partition.topic(),
          e.toString(),
          group(name));
    }
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> m = KafkaSettings.consumer(connection, group(name));
    m.put(ConsumerConfig.CLIENT_ID_CONFIG, "opsledger-lease-" + service);
    m.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    m.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    m.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
    m.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
    // The rebalance timeout: how long a rebalance waits for members to rejoin, during which no
    // member heartbeats. The loop polls every half second, so a live member rejoins well within
    // a session timeout; a longer rebalance would make the holder stand by (heartbeatFresh).
    m.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // Created by ensureTopic with its one partition, never by the broker's defaults.
    m.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return m;
  }

  private synchronized KafkaProducer<String, byte[]> producer() {
    if (closing) {
      throw new KafkaException("the " + service + " lease is closed");
    }
    if (producer == null) {
      Map<String, Object> config = KafkaSettings.producer(connection);
      config.put("client.id", "opsledger-lease-" + service + "-forward");
      producer = new KafkaProducer<>(config);
    }
    return producer;
  }

  /** Tracks partition 0; called inside poll on the lease thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // The cooperative protocol calls this after every rebalance, also with nothing new.
      joined = true;
      if (partitions.contains(partition)) {
        assigned = true;
        // Forwarded records are for the holder at the time: a new holder starts its work afresh
        // anyway, so it reads only what comes after.
        consumer.seekToEnd(List.of(partition));
        refresh(consumer);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.contains(partition)) {
        assigned = false;
        becomeStandby();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
