package dev.opsledger.applier.engine;

import static dev.opsledger.applier.engine.ApplyEngineTest.ADA;
import static dev.opsledger.applier.engine.ApplyEngineTest.TARGET;
import static dev.opsledger.applier.engine.ApplyEngineTest.configMap;
import static dev.opsledger.applier.engine.ApplyEngineTest.diffOf;
import static dev.opsledger.applier.engine.ApplyEngineTest.manifest;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine with its lanes, as the applier runs it: one slow resource does not hold back the
 * others, and a resource's diffs still run one at a time, in order, the newest winning.
 */
class ApplyEngineLanesTest {

  static final String AUTO = "auto";

  final Clock clock = Clock.systemUTC();
  final ApplyEngineTest.RecordingSink sink = new ApplyEngineTest.RecordingSink();
  final GatedCluster cluster = new GatedCluster();
  final RetryScheduler scheduler = new RetryScheduler(clock);
  final ApplyLanes lanes = ApplyLanes.of(4, 16);
  final DesiredBook desired = new DesiredBook();
  final OutcomeRecorder recorder = TestEngines.recorder(sink, scheduler, desired, clock);
  final ApplyEngine engine =
      TestEngines.engine(
          cluster,
          desired,
          scheduler,
          recorder,
          new PolicyResolver(Map.of(), SyncPolicy.DEFAULT, Map.of(), SyncWindows.none()),
          clock,
          OrderGate.none(),
          lanes);

  @AfterEach
  void stop() {
    cluster.releaseAll();
    lanes.close();
    scheduler.close();
  }

  @Test
  void aSlowApplyDoesNotHoldBackOtherResources() {
    ResourceKey quick = configMap("quick");
    ResourceKey slow = inAnotherLaneThan(quick);
    cluster.hold(slow);
    declare(slow, "r1");
    declare(quick, "r1");

    var slowDiff = missing(slow, "r1");
    await("the slow resource's apply has begun").until(() -> cluster.started(slow));
    var quickDiff = missing(quick, "r1");

    await("the other resource is applied while the slow one hangs")
        .until(() -> succeeded(quickDiff));
    assertThat(succeeded(slowDiff)).isFalse();

    cluster.release(slow);
    await("the slow resource is applied once its call returns").until(() -> succeeded(slowDiff));
  }

  @Test
  void aResourcesDiffsRunOneAtATimeInOrderAndTheNewestWins() {
    ResourceKey web = configMap("web");
    cluster.hold(web);
    declare(web, "r1");
    var first = missing(web, "r1");
    await("the first apply has begun").until(() -> cluster.started(web));

    // A diff of a resource whose apply is running waits for it (the resource's lock): another
    // thread, as another consumer's would.
    List<EventEnvelope<ResourceEvent>> later = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> newer =
        CompletableFuture.runAsync(
            () -> {
              declare(web, "r2");
              later.add(missing(web, "r2"));
              declare(web, "r3");
              later.add(missing(web, "r3"));
            });
    cluster.release(web);
    newer.join();

    await("the newest diff is applied").until(() -> succeeded(later.get(1)));
    await("the first apply's outcome is recorded").until(() -> succeeded(first));
    List<String> applied = cluster.revisionsApplied(web);
    assertThat(applied).startsWith("r1").endsWith("r3").isSorted().doesNotHaveDuplicates();
    assertThat(cluster.maxConcurrentOn(web)).isEqualTo(1);
  }

  /**
   * A resource whose lane is another than {@code other}'s, so the test does not depend on hashes.
   */
  private ResourceKey inAnotherLaneThan(ResourceKey other) {
    for (int i = 0; ; i++) {
      ResourceKey candidate = configMap("slow-" + i);
      if (Math.floorMod(candidate.hashCode(), lanes.size())
          != Math.floorMod(other.hashCode(), lanes.size())) {
        return candidate;
      }
    }
  }

  private void declare(ResourceKey key, String revision) {
    engine.onDesired(
        new DesiredStateChanged(
            key,
            AUTO,
            revision,
            "apps/" + key.name() + ".yaml",
            "hash-" + revision,
            manifest(key, revision),
            ADA,
            clock.instant(),
            null));
  }

  private EventEnvelope<ResourceEvent> missing(ResourceKey key, String revision) {
    EventEnvelope<ResourceEvent> diff =
        diffOf(new ResourceMissing(key, AUTO, revision, clock.instant()));
    engine.onDiff(diff);
    return diff;
  }

  private boolean succeeded(EventEnvelope<?> diff) {
    return sink.causedBy(diff).stream().anyMatch(e -> e.data() instanceof ApplySucceeded);
  }

  /** A cluster whose applies of a held resource wait until it is released. */
  static final class GatedCluster implements ResourceApplier {
    private final Map<ResourceKey, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Integer> running = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Integer> maxRunning = new ConcurrentHashMap<>();
    private final List<ApplyRequest> applies = new CopyOnWriteArrayList<>();

    void hold(ResourceKey key) {
      gates.put(key, new CountDownLatch(1));
    }

    void release(ResourceKey key) {
      CountDownLatch gate = gates.remove(key);
      if (gate != null) {
        gate.countDown();
      }
    }

    void releaseAll() {
      List.copyOf(gates.keySet()).forEach(this::release);
    }

    boolean started(ResourceKey key) {
      return applies.stream().anyMatch(r -> r.resource().equals(key));
    }

    List<String> revisionsApplied(ResourceKey key) {
      return applies.stream()
          .filter(r -> r.resource().equals(key))
          .map(ApplyRequest::revision)
          .toList();
    }

    int maxConcurrentOn(ResourceKey key) {
      return maxRunning.getOrDefault(key, 0);
    }

    @Override
    public boolean handles(ResourceKey resource) {
      return TARGET.equals(resource.target());
    }

    @Override
    public Outcome apply(ApplyRequest request) {
      ResourceKey key = request.resource();
      int now = running.merge(key, 1, Integer::sum);
      maxRunning.merge(key, now, Math::max);
      applies.add(request);
      try {
        CountDownLatch gate = gates.get(key);
        if (gate != null && !gate.await(1, TimeUnit.MINUTES)) {
          return Outcome.retryable("Timeout", "held too long", null);
        }
        return new Outcome.Created();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.retryable("Interrupted", "stopped", null);
      } finally {
        running.merge(key, -1, Integer::sum);
      }
    }

    @Override
    public Outcome delete(DeleteRequest request) {
      return new Outcome.Deleted();
    }
  }
}
