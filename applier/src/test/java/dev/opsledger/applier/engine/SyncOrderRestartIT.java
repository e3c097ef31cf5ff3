package dev.opsledger.applier.engine;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.applier.stream.LogReplay;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of writes survives a restart: what waits for a wave or a source is no outcome on the
 * log, so a fresh engine rebuilt from a real broker by {@link LogReplay} holds it again, knows from
 * the replayed diffs what has converged, and lets it go once what it waits for gets there.
 */
class SyncOrderRestartIT {

  private static final String SHOP = "shop";
  private static final String PLATFORM = "platform";
  private static final String APPS = "apps";
  private static final Person ADA = new Person("Ada", "ada@example.org");
  private static final Duration GRACE = Duration.ofMillis(500);

  private final String target = "order-" + UUID.randomUUID().toString().substring(0, 8);
  private final ResourceKey db = ResourceKey.of(target, "", "ConfigMap", "shop", "db");
  private final ResourceKey app = ResourceKey.of(target, "", "ConfigMap", "shop", "app");
  private final ResourceKey api = ResourceKey.of(target, "", "ConfigMap", "platform", "api");
  private final ResourceKey web = ResourceKey.of(target, "", "ConfigMap", "apps", "web");
  private final List<EventEnvelope<?>> log = new CopyOnWriteArrayList<>();
  private final List<Applier> appliers = new ArrayList<>();

  @AfterEach
  void stop() {
    appliers.forEach(a -> a.scheduler.close());
  }

  @Test
  void aWaveStillWaitingAtARestartWaitsAgainAndGoesOnceTheLowerWaveConverges() {
    Applier first = applier();
    first.declare(db, SHOP, "r1", 0);
    first.declare(app, SHOP, "r1", 1);
    first.diff(new ResourceMissing(app, SHOP, "r1", now()));
    assertThat(first.cluster.applied).isEmpty();
    assertThat(log)
        .anyMatch(
            e -> e.data() instanceof ApplySkipped s && s.skippedBy(SkipPolicy.WAITING_FOR_WAVE));

    Applier restarted = restart();

    // The restored work runs at once and is scheduled again to wait: between the two it is in
    // the engine's hands, not the scheduler's, so ask until it is seen waiting.
    await("pending again after the replay").until(() -> restarted.scheduler.pendingOf(app) != null);
    assertThat(restarted.cluster.applied).as("nothing applied before wave 0 converges").isEmpty();
    restarted.diff(new ResourceMissing(db, SHOP, "r1", now()));
    restarted.diff(new ResourceInSync(db, SHOP, "r1", "h", now()));
    restarted.engine.onHealth(db, HealthStatus.HEALTHY);
    await("the wave 1 resource is applied after the restart once wave 0 converged")
        .until(() -> restarted.cluster.applied.equals(List.of("db", "app")));
  }

  @Test
  void aSourceAlreadyConvergedBeforeARestartReleasesItsDependentsAfterIt() {
    Applier first = applier();
    first.declare(api, PLATFORM, "a1", 0);
    first.declare(web, APPS, "b1", 0);
    first.diff(new ResourceMissing(api, PLATFORM, "a1", now()));
    first.diff(new ResourceInSync(api, PLATFORM, "a1", "h", now()));
    first.diff(new ResourceMissing(web, APPS, "b1", now()));
    assertThat(first.cluster.applied).containsExactly("api");

    Applier restarted = restart();

    // Health is not replayed: the replayed in-sync diff lets source apps go once the grace is over.
    await("source apps is applied after the restart")
        .until(() -> restarted.cluster.applied.equals(List.of("web")));
  }

  private Applier restart() {
    // The first life stops: its retries must not run beside the second one.
    appliers.forEach(a -> a.scheduler.close());
    try (LogWriter writer = new LogWriter(SharedKafka.bootstrapServers())) {
      log.forEach(writer::write);
    }
    Applier restarted = applier();
    new LogReplay(
            KafkaConnection.of(SharedKafka.bootstrapServers()),
            new EventCodec(),
            Duration.ofMinutes(1),
            Clock.systemUTC())
        .restore(restarted.engine, restarted.engine::handles);
    return restarted;
  }

  private Applier applier() {
    Applier a = new Applier();
    appliers.add(a);
    return a;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /** One life of the applier: an engine with a fake cluster, writing its outcomes to the log. */
  private final class Applier {
    final Clock clock = Clock.systemUTC();
    final RetryScheduler scheduler = new RetryScheduler(clock);
    final DesiredBook desired = new DesiredBook();
    final FakeCluster cluster = new FakeCluster();
    final OutcomeRecorder recorder = TestEngines.recorder(new LogSink(), scheduler, desired, clock);
    final ApplyEngine engine =
        TestEngines.engine(
            cluster,
            desired,
            scheduler,
            recorder,
            new PolicyResolver(Map.of(), SyncPolicy.DEFAULT, Map.of(), SyncWindows.none()),
            clock,
            new OrderGate(Map.of(APPS, List.of(PLATFORM)), GRACE),
            ApplyLanes.direct());

    void declare(ResourceKey key, String source, String revision, int wave) {
      ObjectNode m = EventJson.mapper().createObjectNode();
      m.put("apiVersion", "v1").put("kind", "ConfigMap");
      m.putObject("metadata")
          .put("name", key.name())
          .put("namespace", key.namespace())
          .putObject("annotations")
          .put(OrderGate.SYNC_WAVE, Integer.toString(wave));
      var event =
          EventEnvelope.create(
              "/opsledger/git-watcher",
              revision,
              new DesiredStateChanged(
                  key, source, revision, "x.yaml", "hash-" + revision, m, ADA, now(), null));
      log.add(event);
      engine.onDesired(event.data());
    }

    void diff(ResourceEvent diff) {
      var event = EventEnvelope.create("/opsledger/differ", "sha", diff);
      log.add(event);
      engine.onDiff(event);
    }
  }

  /** A cluster of this test's target that remembers the names applied to it, in order. */
  private final class FakeCluster implements ResourceApplier {
    final List<String> applied = new CopyOnWriteArrayList<>();

    @Override
    public boolean handles(ResourceKey resource) {
      return target.equals(resource.target());
    }

    @Override
    public Outcome apply(ApplyRequest request) {
      applied.add(request.resource().name());
      return new Outcome.Created();
    }

    @Override
    public Outcome delete(DeleteRequest request) {
      return new Outcome.Deleted();
    }
  }

  /** The applier's outcomes go to the log this test writes to the broker before a restart. */
  private final class LogSink implements EventSink {
    @Override
    public CompletableFuture<?> send(EventEnvelope<?> event) {
      log.add(event);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void sendAndWait(List<? extends EventEnvelope<?>> events) {
      log.addAll(events);
    }
  }
}
