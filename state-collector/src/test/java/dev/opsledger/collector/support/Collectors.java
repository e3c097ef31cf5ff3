package dev.opsledger.collector.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.StateCollectorMetrics;
import dev.opsledger.collector.desired.DeclaredResources;
import dev.opsledger.collector.desired.DesiredEventHandler;
import dev.opsledger.collector.desired.DesiredListener;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.kubernetes.ClusterWatcher;
import dev.opsledger.collector.kubernetes.KubernetesCollector;
import dev.opsledger.collector.observe.LiveProjection;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A collector wired by hand (no Spring) for one target against an emulator, publishing to the
 * shared broker: what the Spring configuration builds, with short intervals for tests.
 */
public final class Collectors implements AutoCloseable {

  /** The fleet key of the tests. */
  public static final byte[] KEY = "opsledger-state-collector-test-key-0123456789".getBytes();

  public final String target;
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  public final StateCollectorMetrics metrics = new StateCollectorMetrics(registry);
  public final EventPublisher publisher;
  public final ObservationEmitter emitter;
  public final DeclaredResources declared = new DeclaredResources();
  public final KubernetesCollector kubernetes;
  public final DesiredEventHandler desired;
  private final List<AutoCloseable> extra = new ArrayList<>();
  private final List<DesiredListener> listeners = new CopyOnWriteArrayList<>();

  /** A collector of {@code target} watching {@code emulator}. */
  public Collectors(String target, KubernetesEmulator emulator, Duration resync) {
    this(target, emulator, resync, List.of());
  }

  /** The same, with more desired listeners (e.g. an AWS collector). */
  public Collectors(
      String target, KubernetesEmulator emulator, Duration resync, List<DesiredListener> more) {
    this(
        target,
        emulator == null
            ? null
            : new KubernetesClientBuilder().withConfig(emulator.clientConfig()).build(),
        resync,
        more);
  }

  /** A collector of {@code target} watching the cluster {@code client} talks to (or none). */
  public Collectors(
      String target, KubernetesClient client, Duration resync, List<DesiredListener> more) {
    ObservedLog.ensureTopics();
    this.target = target;
    this.publisher = new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), registry);
    this.emitter =
        new ObservationEmitter(
            publisher.sink(Duration.ofSeconds(30)),
            "/opsledger/state-collector-test",
            metrics,
            Clock.systemUTC());
    List<ClusterWatcher> clusters = new ArrayList<>();
    if (client != null) {
      clusters.add(
          new ClusterWatcher(
              target,
              client,
              declared,
              new LiveProjection(new SecretProtector(KEY)),
              emitter,
              metrics));
    }
    this.kubernetes = new KubernetesCollector(clusters, Duration.ofMillis(300), resync);
    listeners.add(kubernetes);
    listeners.addAll(more);
    this.desired =
        new DesiredEventHandler(declared, List.of(u -> listeners.forEach(l -> l.onDesired(u))));
  }

  /** Adds a listener of desired-state updates (e.g. an AWS collector built later). */
  public void addListener(DesiredListener listener) {
    listeners.add(listener);
  }

  /** Closes {@code c} with this. */
  public <T extends AutoCloseable> T closeLater(T c) {
    extra.add(c);
    return c;
  }

  /** Feeds a desired event as the consumer would. */
  public void declare(ResourceKey key, String apiVersion) {
    ObjectNode manifest = EventJson.mapper().createObjectNode();
    manifest.put("apiVersion", apiVersion).put("kind", key.kind());
    manifest.putObject("metadata").put("name", key.name());
    feed(
        new DesiredStateChanged(
            key, "src", "abc123", "x.yaml", "sha256:00", manifest, null, Instant.now(), null));
  }

  /** Feeds a removal as the consumer would. */
  public void undeclare(ResourceKey key) {
    feed(new DesiredStateRemoved(key, "src", "def456", "x.yaml", null, Instant.now(), null));
  }

  private void feed(OpsLedgerEvent event) {
    desired.apply(EventEnvelope.create("/test", "abc123", event));
  }

  /** The cluster watcher. */
  public ClusterWatcher cluster() {
    return kubernetes.cluster(target).orElseThrow();
  }

  @Override
  public void close() {
    for (AutoCloseable c : extra) {
      try {
        c.close();
      } catch (Exception e) {
        // Best effort in tests.
      }
    }
    kubernetes.close();
    emitter.close();
    publisher.close();
  }
}
