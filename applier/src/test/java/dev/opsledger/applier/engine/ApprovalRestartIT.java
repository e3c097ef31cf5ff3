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
import dev.opsledger.applier.stream.LogReplay;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SyncApproved;
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
 * An approval is consumed only for the revision it names, also after a restart: approve R1, commit
 * R2 under manual sync, restart the applier (a fresh engine rebuilt from the log on a real broker
 * by {@link LogReplay}, as at start), and R2 still waits for an approval of its own.
 */
class ApprovalRestartIT {

  private static final String MANUAL = "manual";
  private static final Person ADA = new Person("Ada", "ada@example.org");

  private final String target = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
  private final ResourceKey web = ResourceKey.of(target, "", "ConfigMap", "shop", "web");
  private final List<EventEnvelope<?>> log = new CopyOnWriteArrayList<>();
  private final List<Applier> appliers = new ArrayList<>();

  @AfterEach
  void stop() {
    appliers.forEach(a -> a.scheduler.close());
  }

  @Test
  void anApprovalOfR1DoesNotApproveR2AfterARestart() {
    Applier first = applier();
    first.declare("r1");
    first.missing("r1");
    first.approve(new SyncApproved(web, MANUAL, "r1", ADA, "reviewed", now()));
    assertThat(first.cluster.applied).containsExactly("r1");
    first.declare("r2");
    first.drift("r2");
    assertThat(first.engine.awaitingApprovals()).isEqualTo(1);

    Applier restarted = restart();

    assertThat(restarted.engine.awaitingApprovals()).isEqualTo(1);
    assertThat(restarted.scheduler.size()).isZero();
    assertThat(restarted.cluster.applied).isEmpty();
    restarted.approve(new SyncApproved(web, MANUAL, "r2", ADA, "reviewed too", now()));
    await("R2 is applied once approved itself")
        .until(() -> restarted.cluster.applied.contains("r2"));
  }

  /**
   * Before approvals were bound, {@code POST /api/v1/approvals} and {@code opsledger sync} could
   * write an approval without a revision, which meant "the newest revision", resolved when read: a
   * restart after R2 was committed read it as an approval of R2. Such records stay on the log.
   */
  @Test
  void anOldApprovalWithoutARevisionOnTheLogApprovesNoLaterRevisionAfterARestart() {
    Applier first = applier();
    first.declare("r1");
    first.missing("r1");
    first.approve(new SyncApproved(web, null, null, ADA, "written by an older version", now()));
    first.declare("r2");
    first.drift("r2");

    Applier restarted = restart();

    assertThat(restarted.engine.awaitingApprovals()).isEqualTo(1);
    assertThat(restarted.scheduler.size()).isZero();
    assertThat(restarted.cluster.applied).isEmpty();
  }

  private Applier restart() {
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
            new PolicyResolver(
                Map.of(MANUAL, new SyncPolicy(false, false, true, false, true)),
                SyncPolicy.DEFAULT),
            clock,
            OrderGate.none(),
            ApplyLanes.direct());

    void declare(String revision) {
      ObjectNode m = EventJson.mapper().createObjectNode();
      m.put("apiVersion", "v1").put("kind", "ConfigMap");
      m.putObject("metadata").put("name", web.name()).put("namespace", web.namespace());
      m.putObject("data").put("revision", revision);
      var event =
          EventEnvelope.create(
              "/opsledger/git-watcher",
              revision,
              new DesiredStateChanged(
                  web, MANUAL, revision, "web.yaml", "hash-" + revision, m, ADA, now(), null));
      log.add(event);
      engine.onDesired(event.data());
    }

    void missing(String revision) {
      diff(new ResourceMissing(web, MANUAL, revision, now()), revision);
    }

    void drift(String revision) {
      diff(
          new DriftDetected(
              web,
              MANUAL,
              revision,
              "live-hash",
              now(),
              EventJson.mapper().createArrayNode(),
              "",
              List.of("/data/revision")),
          revision);
    }

    private void diff(ResourceEvent diff, String revision) {
      var event = EventEnvelope.create("/opsledger/differ", revision, diff);
      log.add(event);
      engine.onDiff(event);
    }

    void approve(SyncApproved approval) {
      String correlation = approval.revision() == null ? "" : approval.revision();
      log.add(EventEnvelope.create("/opsledger/test", correlation, approval));
      engine.onApproval(approval);
    }
  }

  /** A cluster of this test's target that remembers the revisions applied to it. */
  private final class FakeCluster implements ResourceApplier {
    final List<String> applied = new CopyOnWriteArrayList<>();

    @Override
    public boolean handles(ResourceKey resource) {
      return target.equals(resource.target());
    }

    @Override
    public Outcome apply(ApplyRequest request) {
      applied.add(request.revision());
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
