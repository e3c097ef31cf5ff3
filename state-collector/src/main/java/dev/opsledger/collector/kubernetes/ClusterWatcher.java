package dev.opsledger.collector.kubernetes;

import dev.opsledger.collector.StateCollectorMetrics;
import dev.opsledger.collector.desired.DeclaredResources;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.observe.FailureReason;
import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.collector.observe.LiveProjection;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the collector does for one cluster: one {@link KindWatch} per declared kind, retries
 * of kinds that cannot be watched yet, checks that declared resources exist, periodic resyncs.
 *
 * <p>Discovery and informer starts run on the cluster's own thread, so a slow or unreachable API
 * server never blocks the desired-state consumer or another cluster.
 */
public final class ClusterWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);

  private final String target;
  private final KubernetesClient client;
  private final DeclaredResources declared;
  private final LiveProjection projection;
  private final ObservationEmitter emitter;
  private final StateCollectorMetrics metrics;
  private final ScheduledExecutorService worker;

  /** Watches by "group/kind" (any version: one informer per kind). */
  private final Map<String, KindWatch> watches = new ConcurrentHashMap<>();

  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final Set<KindRef> pending = ConcurrentHashMap.newKeySet();
  private final Set<ResourceKey> namespaceIgnored = ConcurrentHashMap.newKeySet();

  /** Whether this replica watches; confined to the worker thread. */
  private boolean active = true;

  /**
   * A watcher for one cluster; call {@link #start} to schedule its retries and resyncs.
   *
   * @param target the target name
   * @param client the cluster's client; closed with this watcher
   * @param declared what the desired topic declares
   * @param projection turns objects into observations
   * @param emitter where observations go
   * @param metrics the collector's meters
   */
  public ClusterWatcher(
      String target,
      KubernetesClient client,
      DeclaredResources declared,
      LiveProjection projection,
      ObservationEmitter emitter,
      StateCollectorMetrics metrics) {
    this.target = target;
    this.client = client;
    this.declared = declared;
    this.projection = projection;
    this.emitter = emitter;
    this.metrics = metrics;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "state-collector-k8s-" + target);
              t.setDaemon(true);
              return t;
            });
  }

  /** Schedules retries of kinds that could not be watched, and full resyncs. */
  public void start(Duration retryInterval, Duration resyncInterval) {
    worker.scheduleWithFixedDelay(
        this::retryPending,
        retryInterval.toMillis(),
        retryInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    worker.scheduleWithFixedDelay(
        this::resync, resyncInterval.toMillis(), resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Watches every kind ever declared on the target, listing each afresh: this replica took the
   * lease over. Asynchronous, after what is already queued.
   */
  public void activate() {
    worker.execute(
        () -> {
          active = true;
          for (KindRef kind : declared.kinds(target)) {
            startWatch(kind);
          }
        });
  }

  /**
   * Stops every informer and watches nothing until {@link #activate()}: this replica lost the lease
   * or starts as a standby. Asynchronous, after what is already queued.
   */
  public void standBy() {
    worker.execute(
        () -> {
          active = false;
          watches.values().forEach(KindWatch::close);
          watches.clear();
          gauges.values().forEach(metrics::remove);
          gauges.clear();
          pending.clear();
        });
  }

  /** The target name. */
  public String target() {
    return target;
  }

  /** Makes sure {@code kind} is watched (asynchronously; idempotent). */
  public void watch(KindRef kind) {
    worker.execute(() -> startWatch(kind));
  }

  /**
   * Reports {@code key} as not found if its kind is watched, synced, and the cache lacks it.
   * Asynchronous; if the kind is not synced yet, the check runs when it is.
   */
  public void checkDeclared(ResourceKey key) {
    KindWatch watch = watches.get(kindId(key.apiGroup(), key.kind()));
    if (watch == null || !watch.synced()) {
      return;
    }
    emitter.submit(() -> reportIfMissing(watch, key));
  }

  /**
   * Re-reports every cached object and every declared-but-missing resource; the ledger lets only
   * differences through, so this emits nothing when nothing changed.
   *
   * @return completes when the resync has been decided
   */
  public CompletableFuture<Void> resync() {
    if (!active) {
      return CompletableFuture.completedFuture(null);
    }
    long started = System.nanoTime();
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (KindWatch watch : List.copyOf(watches.values())) {
      if (!watch.synced()) {
        continue;
      }
      List<Observation> snapshot = watch.snapshot();
      KindRef kind = kindOf(watch);
      done =
          emitter.submit(
              () -> {
                if (watch.watching()) {
                  // Connected and listed: a failure remembered for the kind is over.
                  emitter.clearFailure(watch.kindKey());
                }
                snapshot.forEach(emitter::decide);
                for (ResourceKey key : declared.declared(target, kind)) {
                  reportIfMissing(watch, key);
                }
              });
    }
    return done.whenComplete(
        (ok, error) -> metrics.resync(target, Duration.ofNanos(System.nanoTime() - started)));
  }

  /** Whether {@code kind} is watched and its first list completed. */
  public boolean synced(KindRef kind) {
    KindWatch watch = watches.get(kindId(kind.group(), kind.kind()));
    return watch != null && watch.synced();
  }

  @Override
  public void close() {
    worker.shutdownNow();
    watches.values().forEach(KindWatch::close);
    watches.clear();
    gauges.values().forEach(metrics::remove);
    client.close();
  }

  private void startWatch(KindRef kind) {
    String id = kindId(kind.group(), kind.kind());
    if (!active || watches.containsKey(id)) {
      return;
    }
    ResourceKey kindKey =
        ResourceKey.of(target, kind.group(), kind.kind(), "", ResourceKey.ANY_NAME);
    KindResolution resolution = KindResolver.resolve(client, kind);
    if (resolution instanceof KindResolution.NotServed) {
      fail(
          kind,
          kindKey,
          new ApiFailures.Classified(
              FailureReason.UNKNOWN_KIND,
              "the API server does not serve " + kind.kind() + " in " + kind.apiVersion(),
              null));
      return;
    }
    if (resolution instanceof KindResolution.DiscoveryFailed failed) {
      fail(kind, kindKey, failed.failure());
      return;
    }
    KindResolution.Served served = (KindResolution.Served) resolution;
    KindWatch watch =
        new KindWatch(
            target,
            client,
            served.context(),
            projection,
            emitter,
            failure -> report(kindKey, failure),
            this::reportedAs);
    watches.put(id, watch);
    pending.remove(kind);
    watch
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                watches.remove(id, watch);
                watch.close();
                fail(kind, kindKey, ApiFailures.classify(error));
              } else {
                LOG.info("watching {} on {} ({} objects)", kind, target, watch.size());
                gauges.computeIfAbsent(id, k -> metrics.watched(target, kind.kind(), watch::size));
                emitter.clearFailure(kindKey);
                for (ResourceKey key : declared.declared(target, kind)) {
                  checkDeclared(key);
                }
              }
            });
  }

  private void fail(KindRef kind, ResourceKey kindKey, ApiFailures.Classified failure) {
    pending.add(kind);
    report(kindKey, failure);
  }

  private void report(ResourceKey kindKey, ApiFailures.Classified failure) {
    emitter.report(
        new Observation.Failed(
            kindKey, failure.reason(), failure.message(), failure.httpStatus(), true));
  }

  private void retryPending() {
    Set<KindRef> retry = new LinkedHashSet<>(pending);
    for (KindRef kind : retry) {
      try {
        startWatch(kind);
      } catch (RuntimeException e) {
        LOG.warn("retrying {} on {} failed: {}", kind, target, e.toString());
      }
    }
  }

  private void reportIfMissing(KindWatch watch, ResourceKey key) {
    if (!declared.isDeclared(key)) {
      return;
    }
    if (!watch.contains(key)) {
      emitter.decide(new Observation.Absent(key, Observation.Absent.NOT_FOUND));
    } else if (watch.clusterScoped() && !key.namespace().isEmpty()) {
      // Declared after the informer saw the object: report it under the declared key now.
      watch.cached(key).ifPresent(emitter::decide);
    }
  }

  /**
   * The keys an object of a cluster-scoped kind is reported under: the declared keys that name it
   * with a namespace the cluster ignores (a custom kind whose CRD is not in Git keeps the namespace
   * it was written with), and its own key when that is declared or nothing else is. Warns once per
   * such key.
   */
  private List<ResourceKey> reportedAs(ResourceKey live) {
    Set<ResourceKey> keys = declared.declaredAt(live);
    if (keys.isEmpty() || (keys.size() == 1 && keys.contains(live))) {
      return List.of(live);
    }
    for (ResourceKey k : keys) {
      if (!k.equals(live) && namespaceIgnored.add(k)) {
        LOG.warn(
            "{} is cluster-scoped on {} (discovery): {} is reported under its declared key {}, whose"
                + " namespace the cluster ignores",
            live.kind(),
            target,
            live,
            k);
        metrics.namespaceIgnored(target, live.kind());
      }
    }
    return List.copyOf(keys);
  }

  private static KindRef kindOf(KindWatch watch) {
    var c = watch.context();
    String group = c.getGroup() == null ? "" : c.getGroup();
    return new KindRef(
        group.isEmpty() ? c.getVersion() : group + "/" + c.getVersion(), c.getKind());
  }

  private static String kindId(String group, String kind) {
    return (group == null ? "" : group) + "/" + kind;
  }
}
