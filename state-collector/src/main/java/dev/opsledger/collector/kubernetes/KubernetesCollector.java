package dev.opsledger.collector.kubernetes;

import dev.opsledger.collector.desired.DesiredListener;
import dev.opsledger.collector.desired.DesiredUpdate;
import dev.opsledger.events.ResourceKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All watched clusters; routes desired-state updates to the cluster of their target. Updates for
 * other targets (another collector's clusters, AWS targets) are ignored.
 */
public final class KubernetesCollector implements DesiredListener, AutoCloseable {

  private final Map<String, ClusterWatcher> clusters = new LinkedHashMap<>();

  /** A collector over {@code clusters}, started with the given intervals. */
  public KubernetesCollector(
      List<ClusterWatcher> clusters, Duration retryInterval, Duration resyncInterval) {
    for (ClusterWatcher c : clusters) {
      this.clusters.put(c.target(), c);
      c.start(retryInterval, resyncInterval);
    }
  }

  @Override
  public void onDesired(DesiredUpdate update) {
    if (update instanceof DesiredUpdate.Declared d) {
      ClusterWatcher cluster = clusters.get(d.key().target());
      if (cluster == null || d.key().aws()) {
        return;
      }
      if (d.newKind()) {
        cluster.watch(d.kind());
      }
      cluster.checkDeclared(d.key());
    }
    // Undeclared: the live object, if any, stays observed; the differ sees it as extraneous.
  }

  /**
   * Watches every cluster again (this replica took the lease); see {@link ClusterWatcher#activate}.
   */
  public void activate() {
    clusters.values().forEach(ClusterWatcher::activate);
  }

  /** Stops watching every cluster (standby); see {@link ClusterWatcher#standBy}. */
  public void standBy() {
    clusters.values().forEach(ClusterWatcher::standBy);
  }

  /** The watcher of {@code target}. */
  public Optional<ClusterWatcher> cluster(String target) {
    return Optional.ofNullable(clusters.get(target));
  }

  /** Resyncs every cluster now. */
  public void resyncAll() {
    clusters.values().forEach(ClusterWatcher::resync);
  }

  /** Whether {@code key}'s target is one of these clusters. */
  public boolean watches(ResourceKey key) {
    return clusters.containsKey(key.target());
  }

  @Override
  public void close() {
    clusters.values().forEach(ClusterWatcher::close);
  }
}
