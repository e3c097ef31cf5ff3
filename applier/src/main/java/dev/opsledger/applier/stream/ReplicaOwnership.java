package dev.opsledger.applier.stream;

import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.engine.Ownership;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.service.BindingRebalance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes applier replicas safe: the partitions of {@code opsledger.diffs} a replica is assigned in
 * the shared group decide which resources it does the work of ({@link Ownership}), and its readers
 * of everything else continue where its start-up replay stopped.
 *
 * <ul>
 *   <li><b>Assigned</b> diffs partitions: the state rebuilt at start is caught up with the log and
 *       the work of their resources (pending retries, diffs awaiting approval, rollbacks) is
 *       derived from it, as a restart would ({@link ReplayCheckpoints#adopt}).
 *   <li><b>Revoked</b> diffs partitions: their work is dropped, and the running work is awaited
 *       with its outcomes' acknowledgements, before the group moves them, so the next owner finds
 *       every outcome in the log. Kafka's default (eager) assignors revoke before any member is
 *       assigned; the cooperative one revokes before the partitions move.
 *   <li>The readers of every replica (desired state, approvals, diffs for the order of writes) are
 *       in a group of the replica's own, and on their first assignment seek to where the start-up
 *       replay stopped: what came before is restored, what came after is read.
 * </ul>
 *
 * <p>The binder calls it through service-support's {@link BindingRebalance} listener, on these
 * bindings only.
 *
 * <p>A resource's partition is Kafka's default for its record key (murmur2 of the subject, the
 * producer's built-in partitioner); every OpsLedger event is keyed by its subject.
 */
public final class ReplicaOwnership implements Ownership, BindingRebalance, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaOwnership.class);

  private final ApplyEngine engine;
  private final ReplayCheckpoints replay;
  private final String diffsBinding;
  private final Set<String> replayedReaders;
  private final Duration handOver;
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "applier-ownership");
            t.setDaemon(true);
            return t;
          });
  private volatile int partitions;

  /**
   * Ownership by the diffs binding's assignment.
   *
   * @param diffsBinding the binding of the diffs in the shared group, e.g. {@code
   *     applierDiffsIn-in-0}
   * @param replayedReaders the bindings of the replica's own group that continue from the replay
   * @param handOver how long a revocation waits for running work and its outcomes
   */
  public ReplicaOwnership(
      ApplyEngine engine,
      ReplayCheckpoints replay,
      String diffsBinding,
      Set<String> replayedReaders,
      Duration handOver) {
    this.engine = engine;
    this.replay = replay;
    this.diffsBinding = diffsBinding;
    this.replayedReaders = Set.copyOf(replayedReaders);
    this.handOver = handOver;
  }

  @Override
  public boolean handles(String binding) {
    return diffsBinding.equals(binding) || replayedReaders.contains(binding);
  }

  @Override
  public boolean owns(ResourceKey key) {
    int n = partitions;
    return n > 0 && owned.contains(partitionOf(key, n));
  }

  /** The partition of {@code opsledger.diffs} a resource's records go to, of {@code count}. */
  static int partitionOf(ResourceKey key, int count) {
    return BuiltInPartitioner.partitionForKey(
        key.toString().getBytes(StandardCharsets.UTF_8), count);
  }

  /** The diffs partitions this replica owns now. */
  public Set<Integer> owned() {
    return Set.copyOf(owned);
  }

  @Override
  public void revoked(String binding, Collection<TopicPartition> revoked) {
    if (!diffsBinding.equals(binding)) {
      return;
    }
    Set<Integer> gone = diffs(revoked);
    if (gone.isEmpty()) {
      return;
    }
    owned.removeAll(gone);
    int n = partitions;
    try {
      engine.release(key -> n > 0 && gone.contains(partitionOf(key, n)), handOver);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("handed over diffs partitions {}; this replica owns {}", sorted(gone), sorted(owned));
  }

  @Override
  public void assigned(
      String binding,
      Consumer<?, ?> consumer,
      Collection<TopicPartition> assigned,
      boolean initial) {
    if (diffsBinding.equals(binding)) {
      take(consumer, assigned);
    } else if (initial && replayedReaders.contains(binding)) {
      for (TopicPartition tp : assigned) {
        Long offset = replay.replayedUpTo(tp);
        if (offset != null) {
          consumer.seek(tp, offset);
        }
      }
    }
  }

  private void take(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
    Set<Integer> taken = diffs(assigned);
    if (taken.isEmpty()) {
      return;
    }
    partitions = consumer.partitionsFor(Topic.DIFFS.topicName()).size();
    int n = partitions;
    // Owned before the work is derived: a rollback read live meanwhile runs here, and the
    // derivation then knows it was taken.
    owned.addAll(taken);
    adopt(taken, n);
    LOG.info("took over diffs partitions {}; this replica owns {}", sorted(taken), sorted(owned));
  }

  /**
   * Derives the work of the partitions taken. Should the log not be readable now (a broker outage),
   * the diffs still flow and the derivation is tried again every 10 s, off the consumer's thread,
   * while the partitions stay this replica's.
   */
  private void adopt(Set<Integer> taken, int n) {
    try {
      replay.adopt(key -> taken.contains(partitionOf(key, n)) && owns(key));
    } catch (RuntimeException e) {
      LOG.error(
          "cannot derive the work of diffs partitions {} from the log ({}); trying again in 10 s",
          sorted(taken),
          e.toString());
      retries.schedule(() -> adopt(taken, n), 10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    retries.shutdownNow();
  }

  private static Set<Integer> diffs(Collection<TopicPartition> partitions) {
    return partitions.stream()
        .filter(tp -> tp.topic().equals(Topic.DIFFS.topicName()))
        .map(TopicPartition::partition)
        .collect(Collectors.toSet());
  }

  private static String sorted(Set<Integer> partitions) {
    return partitions.stream().sorted().toList().toString();
  }
}
