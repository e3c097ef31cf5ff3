package dev.opsledger.applier.engine;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.ApplierMetrics;
import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.applier.policy.SyncWindow;
import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.core.EventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The applier's decisions, end to end through the engine, with an in-memory {@link EventSink} and a
 * fake {@link ResourceApplier} standing in for a cluster: no broker, no cluster. Each test reads
 * the events caused by its diffs, as a consumer of {@code opsledger.applies} would.
 *
 * <p>Sources: {@value #AUTO} (the defaults: auto-sync, self-heal, no prune), {@value #MANUAL}
 * (auto-sync off), {@value #PRUNE} (prune on), {@value #NO_HEAL} (self-heal off).
 */
class ApplyEngineTest {

  static final String AUTO = "auto";
  static final String MANUAL = "manual";
  static final String PRUNE = "prune";
  static final String NO_HEAL = "noheal";
  static final String UNGUARDED = "unguarded";
  static final String DETECT = "detect";
  static final String WINDOWED = "windowed";
  static final String TARGET = "test";
  static final Person ADA = new Person("Ada", "ada@example.org");

  final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T10:00:00Z"));
  final RecordingSink sink = new RecordingSink();
  final FakeCluster cluster = new FakeCluster();
  final RetryScheduler scheduler = new RetryScheduler(clock);
  final ApplierMetrics metrics = new ApplierMetrics(new SimpleMeterRegistry());
  final DesiredBook desired = new DesiredBook();
  final OutcomeRecorder recorder =
      new OutcomeRecorder(
          "/opsledger/applier",
          sink,
          new DiffLedger(1000),
          scheduler,
          new Backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 0),
          desired,
          metrics,
          clock);
  final ApplyEngine engine =
      new ApplyEngine(
          new ResourceActions(
              List.of(cluster),
              new SecretValues(new SecretProtector(key())),
              desired,
              scheduler,
              recorder,
              "Foreground",
              clock),
          desired,
          new Approvals(),
          new PolicyResolver(
              Map.of(
                  MANUAL, new SyncPolicy(false, false, true, false, true),
                  PRUNE, new SyncPolicy(true, true, true, false, true),
                  NO_HEAL, new SyncPolicy(true, false, false, false, true),
                  UNGUARDED, new SyncPolicy(true, true, true, false, true, false),
                  DETECT, new SyncPolicy(true, true, true, false, true, true, true),
                  WINDOWED, new SyncPolicy(true, true, true, false, true)),
              SyncPolicy.DEFAULT,
              Map.of(WINDOWED, nightly()),
              SyncWindows.none()),
          scheduler,
          recorder,
          Duration.ofMinutes(5),
          clock);

  final ResourceKey web = configMap("web");

  @AfterEach
  void stopRetries() {
    scheduler.close();
  }

  @Test
  void autoSyncAppliesTheDeclaredManifestAndRecordsTheAttemptAndItsOutcome() {
    String rev = declare(web, AUTO, "r1");
    var diff = missing(web, AUTO, rev);

    assertThat(cluster.applies)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.resource()).isEqualTo(web);
              assertThat(r.revision()).isEqualTo("r1");
              assertThat(r.sourceId()).isEqualTo(AUTO);
              assertThat(r.manifest().path("data").path("revision").asText()).isEqualTo("r1");
              assertThat(r.dryRun()).isFalse();
              assertThat(r.forceConflicts()).isTrue();
            });
    assertThat(causedBy(diff)).hasSize(2);
    assertThat(causedBy(diff).get(0)).isInstanceOf(ApplyStarted.class);
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    EventEnvelope<?> outcome = sink.causedBy(diff).get(1);
    assertThat(outcome.correlation()).isEqualTo("r1");
    assertThat(outcome.subject()).isEqualTo(web.toString());
    assertThat(outcome.source()).isEqualTo("/opsledger/applier");
    assertThat(count("opsledger.applier.applies", "outcome", "created")).isEqualTo(1);
  }

  @Test
  void manualSyncWaitsForASyncApprovalThenApplies() {
    String rev = declare(web, MANUAL, "r1");
    var diff = missing(web, MANUAL, rev);

    assertThat(skipped(diff).skipPolicy()).contains(SkipPolicy.MANUAL_APPROVAL);
    assertThat(cluster.applies).isEmpty();
    assertThat(engine.awaitingApprovals()).isEqualTo(1);

    engine.onApproval(new SyncApproved(web, null, "r1", ADA, "reviewed", clock.instant()));

    assertThat(cluster.applies).hasSize(1);
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(engine.awaitingApprovals()).isZero();
  }

  @Test
  void aReplicaAppliesOnlyTheResourcesItOwnsAndNotesTheOthersDiffs() throws Exception {
    ResourceKey api = configMap("api");
    engine.ownedBy(web::equals);
    String rev = declare(api, AUTO, "r1");
    missing(api, AUTO, rev);
    assertThat(cluster.applies).as("another replica's resource is not applied here").isEmpty();

    var diff = missing(web, AUTO, declare(web, AUTO, "r1"));
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(cluster.applies).hasSize(1);
  }

  @Test
  void aResourceHandedToAnotherReplicaIsNotAppliedByTheApprovalItWaitedFor() throws Exception {
    String rev = declare(web, MANUAL, "r1");
    missing(web, MANUAL, rev);
    assertThat(engine.awaitingApprovals()).isEqualTo(1);

    engine.ownedBy(key -> false);
    engine.release(key -> true, Duration.ofSeconds(5));
    engine.onApproval(new SyncApproved(web, null, "r1", ADA, "reviewed", clock.instant()));

    assertThat(engine.awaitingApprovals()).as("the next owner holds it now").isZero();
    assertThat(cluster.applies).isEmpty();
  }

  @Test
  void anApprovalOfAnotherRevisionLeavesTheDiffWaiting() {
    String rev = declare(web, MANUAL, "r1");
    missing(web, MANUAL, rev);

    engine.onApproval(new SyncApproved(web, null, "r0", ADA, "wrong one", clock.instant()));

    assertThat(cluster.applies).isEmpty();
    assertThat(engine.awaitingApprovals()).isEqualTo(1);
  }

  @Test
  void pruneOffSkipsAnExtraneousResourceAndLeavesItLive() {
    succeeded(missing(web, AUTO, declare(web, AUTO, "r1")));
    String r2 = remove(web, AUTO, "r2");

    var diff = extraneous(web, AUTO, r2);

    assertThat(skipped(diff).skipPolicy()).contains(SkipPolicy.PRUNE_DISABLED);
    assertThat(cluster.deletes).isEmpty();
    assertThat(cluster.live).containsKey(web);
  }

  /**
   * The engine's request names the resource, its last declared manifest, the propagation, dry-run
   * and the uid the differ observed (none here: a diff written before the uid was carried); the
   * Kubernetes applier reads the object, re-checks its managed-by label and deletes with the
   * observed uid, or without one the uid it read, as a precondition ({@code KubernetesScenarios}).
   */
  @Test
  void aPruneDeletesWithTheLastDeclaredManifestAndPropagation() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    String r2 = remove(web, PRUNE, "r2");

    var diff = extraneous(web, PRUNE, r2);

    assertThat(cluster.deletes)
        .containsExactly(new DeleteRequest(web, manifest(web, "r1"), "Foreground", false, null));
    assertThat(((ApplyStarted) causedBy(diff).get(0)).action()).isEqualTo(ApplyAction.DELETE);
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.DELETED);
    assertThat(cluster.live).doesNotContainKey(web);
  }

  @Test
  void aPruneAsksToDeleteOnlyTheObjectTheDifferObserved() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    String r2 = remove(web, PRUNE, "r2");

    var diff = extraneous(web, PRUNE, r2, "uid-observed");

    assertThat(cluster.deletes)
        .containsExactly(
            new DeleteRequest(web, manifest(web, "r1"), "Foreground", false, "uid-observed"));
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.DELETED);
  }

  @Test
  void aHeldPruneReleasedByItsApprovalStillDeletesOnlyTheObjectObserved() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    removeCounted(List.of(web), PRUNE, "r2", 1);
    var diff = extraneous(web, PRUNE, "r2", "uid-observed");
    assertThat(skipped(diff).skipPolicy()).contains(SkipPolicy.PRUNE_HELD);

    engine.onApproval(new SyncApproved(null, PRUNE, "r2", ADA, "on purpose", clock.instant()));

    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.DELETED);
    assertThat(cluster.deletes)
        .extracting(DeleteRequest::observedUid)
        .containsExactly("uid-observed");
  }

  @Test
  void aPruneOfAnObjectRecreatedSinceItWasObservedFailsOnceAsRecreatedAndLeavesItLive() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    String r2 = remove(web, PRUNE, "r2");
    cluster.failNext(
        Outcome.terminal(
            "Recreated",
            "not deleted: the object under this name is not the one found extraneous (observed uid"
                + " uid-observed, live uid uid-recreated)",
            null));

    var diff = extraneous(web, PRUNE, r2, "uid-observed");

    assertThat(((ApplyStarted) causedBy(diff).get(0)).action()).isEqualTo(ApplyAction.DELETE);
    ApplyFailed failed = (ApplyFailed) causedBy(diff).get(1);
    assertThat(failed.terminal()).isTrue();
    assertThat(failed.reason()).isEqualTo("Recreated");
    assertThat(failed.message()).contains("observed uid uid-observed", "live uid uid-recreated");
    assertThat(failed.nextAttemptAt()).isNull();
    assertThat(scheduler.size()).isZero();
    assertThat(cluster.live).containsKey(web);
    engine.onDiff(diff);
    assertThat(cluster.deletes).hasSize(1);
  }

  @Test
  void selfHealOffSkipsDriftOfTheRevisionLastAppliedButAppliesANewRevision() {
    succeeded(missing(web, NO_HEAL, declare(web, NO_HEAL, "r1")));

    var liveEdit = drift(web, NO_HEAL, "r1");
    assertThat(skipped(liveEdit).skipPolicy()).contains(SkipPolicy.SELF_HEAL_DISABLED);
    assertThat(cluster.applies).hasSize(1);

    var newRevision = drift(web, NO_HEAL, declare(web, NO_HEAL, "r2"));
    assertThat(succeeded(newRevision).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    assertThat(cluster.live).containsEntry(web, "r2");
  }

  @Test
  void aDetectOnlySourceRecordsEveryDiffAsSkippedAndNeverWrites() {
    String r1 = declare(web, DETECT, "r1");
    var missing = missing(web, DETECT, r1);
    cluster.live.put(web, "by hand");
    var drift = drift(web, DETECT, r1);
    String r2 = remove(web, DETECT, "r2");
    var extraneous = extraneous(web, DETECT, r2);

    assertThat(List.of(missing, drift, extraneous))
        .allSatisfy(
            diff -> {
              assertThat(causedBy(diff)).singleElement().isInstanceOf(ApplySkipped.class);
              assertThat(skipped(diff).skipPolicy()).contains(SkipPolicy.DETECT_ONLY);
            });
    assertThat(cluster.applies).isEmpty();
    assertThat(cluster.deletes).isEmpty();
    assertThat(cluster.live).containsEntry(web, "by hand");
    assertThat(engine.awaitingApprovals()).isZero();
  }

  @Test
  void aResourceAnnotatedDetectIsNeverPrunedOnceGitNoLongerDeclaresIt() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    ObjectNode detect = manifest(web, "r2");
    ((ObjectNode) detect.path("metadata"))
        .putObject("annotations")
        .put("opsledger.dev/sync-policy", "detect");
    engine.onDesired(
        new DesiredStateChanged(
            web, PRUNE, "r2", "apps/web.yaml", "hash-r2", detect, ADA, clock.instant(), null));
    String r3 = remove(web, PRUNE, "r3");

    var diff = extraneous(web, PRUNE, r3);

    assertThat(skipped(diff).skipPolicy()).contains(SkipPolicy.DETECT_ONLY);
    assertThat(cluster.deletes).isEmpty();
    assertThat(cluster.live).containsKey(web);
  }

  /** One allow window a day, 22:00 to midnight UTC; the tests start at 10:00. */
  static SyncWindows nightly() {
    return new SyncWindows(
        List.of(
            new SyncWindow(
                SyncWindow.Kind.ALLOW,
                after -> {
                  Instant today = after.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
                  Instant start = today.plus(Duration.ofHours(22));
                  return start.isAfter(after) ? start : start.plus(Duration.ofDays(1));
                },
                Duration.ofHours(2),
                "allow nightly")));
  }

  @Test
  void outsideItsAllowWindowADiffIsRecordedAsWaitingAndAppliedWhenTheWindowOpens() {
    String rev = declare(web, WINDOWED, "r1");
    var diff = missing(web, WINDOWED, rev);

    ApplySkipped waiting = skipped(diff);
    assertThat(waiting.skipPolicy()).contains(SkipPolicy.SYNC_WINDOW_CLOSED);
    assertThat(waiting.detail())
        .isEqualTo(
            "outside every allow window of the source: the change waits until"
                + " 2026-01-01T22:00:00Z");
    assertThat(cluster.applies).isEmpty();
    assertThat(scheduler.pendingOf(web)).isNotNull();

    clock.set(Instant.parse("2026-01-01T22:00:00Z"));
    scheduler.wake(k -> true);

    await("the diff is applied once the window opens")
        .until(() -> causedBy(diff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(causedBy(diff)).filteredOn(ApplySkipped.class::isInstance).hasSize(1);
  }

  @Test
  void insideItsAllowWindowADiffIsAppliedAtOnce() {
    clock.set(Instant.parse("2026-01-01T23:30:00Z"));
    assertThat(succeeded(missing(web, WINDOWED, declare(web, WINDOWED, "r1"))).outcome())
        .isEqualTo(ApplyOutcome.CREATED);
  }

  @Test
  void selfHealOnRevertsALiveEditOfTheRevisionLastApplied() {
    succeeded(missing(web, AUTO, declare(web, AUTO, "r1")));
    cluster.live.put(web, "edited");

    assertThat(succeeded(drift(web, AUTO, "r1")).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    assertThat(cluster.live).containsEntry(web, "r1");
  }

  @Test
  void anOlderDesiredRevisionNeverReplacesANewerOne() {
    declare(web, AUTO, "r1");
    declare(web, AUTO, "r2");

    var late = missing(web, AUTO, "r1");

    assertThat(skipped(late).skipPolicy()).contains(SkipPolicy.STALE_REVISION);
    assertThat(cluster.applies).isEmpty();
    succeeded(missing(web, AUTO, "r2"));
    assertThat(skipped(drift(web, AUTO, "r1")).skipPolicy()).contains(SkipPolicy.STALE_REVISION);
    assertThat(cluster.live).containsEntry(web, "r2");
  }

  @Test
  void aRevisionThatRemovesMostOfASourceHoldsItsPrunesUntilTheSourceAndRevisionAreApproved() {
    List<ResourceKey> keys = List.of(configMap("a"), configMap("b"), configMap("c"));
    for (ResourceKey k : keys) {
      succeeded(missing(k, PRUNE, declare(k, PRUNE, "r1")));
    }
    removeCounted(keys.subList(0, 2), PRUNE, "r2", 3);

    var first = extraneous(keys.get(0), PRUNE, "r2");
    var second = extraneous(keys.get(1), PRUNE, "r2");

    assertThat(skipped(first).skipPolicy()).contains(SkipPolicy.PRUNE_HELD);
    assertThat(skipped(first).detail()).contains("removes 2 of the 3 resources of source prune");
    assertThat(skipped(second).skipPolicy()).contains(SkipPolicy.PRUNE_HELD);
    assertThat(cluster.deletes).isEmpty();
    assertThat(engine.awaitingApprovals()).isEqualTo(2);
    List<EventEnvelope<?>> held =
        sink.events.stream().filter(e -> e.data() instanceof PruneHeld).toList();
    assertThat(held)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.data()).isEqualTo(new PruneHeld(PRUNE, "r2", 2, 3, clock.instant()));
              assertThat(e.subject()).isEqualTo(PRUNE);
              assertThat(e.correlation()).isEqualTo("r2");
            });
    assertThat(count("opsledger.applier.prunes.held")).isEqualTo(1);

    engine.onApproval(new SyncApproved(null, PRUNE, "r1", ADA, "not this one", clock.instant()));
    assertThat(cluster.deletes).isEmpty();

    engine.onApproval(
        new SyncApproved(null, PRUNE, "r2", ADA, "moved on purpose", clock.instant()));

    assertThat(succeeded(first).outcome()).isEqualTo(ApplyOutcome.DELETED);
    assertThat(succeeded(second).outcome()).isEqualTo(ApplyOutcome.DELETED);
    assertThat(engine.awaitingApprovals()).isZero();
    assertThat(cluster.live).containsOnlyKeys(keys.get(2));
  }

  @Test
  void aRevisionThatEmptiesTheSourceHoldsEvenItsOnlyResource() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    removeCounted(List.of(web), PRUNE, "r2", 1);

    assertThat(skipped(extraneous(web, PRUNE, "r2")).skipPolicy()).contains(SkipPolicy.PRUNE_HELD);
    assertThat(cluster.live).containsKey(web);
  }

  @Test
  void aRevisionThatRemovesHalfOfASourceOrLessPrunesAtOnce() {
    List<ResourceKey> keys = List.of(configMap("a"), configMap("b"));
    for (ResourceKey k : keys) {
      succeeded(missing(k, PRUNE, declare(k, PRUNE, "r1")));
    }
    removeCounted(keys.subList(0, 1), PRUNE, "r2", 2);

    assertThat(succeeded(extraneous(keys.get(0), PRUNE, "r2")).outcome())
        .isEqualTo(ApplyOutcome.DELETED);
    assertThat(sink.events).noneMatch(e -> e.data() instanceof PruneHeld);
  }

  @Test
  void aSourceThatOptsOutOfThePruneGuardPrunesAMassDeleteAtOnce() {
    succeeded(missing(web, UNGUARDED, declare(web, UNGUARDED, "r1")));
    removeCounted(List.of(web), UNGUARDED, "r2", 1);

    assertThat(succeeded(extraneous(web, UNGUARDED, "r2")).outcome())
        .isEqualTo(ApplyOutcome.DELETED);
    assertThat(sink.events).noneMatch(e -> e.data() instanceof PruneHeld);
  }

  @Test
  void aHeldPruneWaitsAgainAfterARestartAndGoesOnceApproved() {
    succeeded(missing(web, PRUNE, declare(web, PRUNE, "r1")));
    removeCounted(List.of(web), PRUNE, "r2", 1);
    var diff = extraneous(web, PRUNE, "r2");
    PendingWork log = new PendingWork();
    log.diff(diff);
    sink.events.forEach(log::apply);

    PendingWork.Derived derived = log.derive(clock.instant());

    assertThat(derived.awaiting()).extracting(Work::id).containsExactly(diff.id());
    assertThat(derived.pending()).isEmpty();
  }

  @Test
  void aRedeliveredDiffChangesNothing() {
    var diff = missing(web, AUTO, declare(web, AUTO, "r1"));
    succeeded(diff);

    engine.onDiff(diff);

    assertThat(cluster.applies).hasSize(1);
    assertThat(causedBy(diff)).filteredOn(ApplyStarted.class::isInstance).hasSize(1);
    assertThat(causedBy(diff).get(causedBy(diff).size() - 1))
        .isInstanceOfSatisfying(
            ApplySkipped.class,
            s -> assertThat(s.skipPolicy()).contains(SkipPolicy.ALREADY_APPLIED));
    assertThat(metrics.registry().counter("opsledger.applier.duplicates").count()).isEqualTo(1);
  }

  @Test
  void aRedeliveredDesiredRecordDoesNotMakeItsRevisionNewestAgain() {
    declare(web, AUTO, "r1");
    declare(web, AUTO, "r2");
    declare(web, AUTO, "r1");

    assertThat(skipped(missing(web, AUTO, "r1")).skipPolicy()).contains(SkipPolicy.STALE_REVISION);
    assertThat(succeeded(missing(web, AUTO, "r2")).outcome()).isEqualTo(ApplyOutcome.CREATED);
  }

  @Test
  void aRedeliveredApprovalAppliesNothingMore() {
    var diff = missing(web, MANUAL, declare(web, MANUAL, "r1"));
    SyncApproved approval = new SyncApproved(web, null, "r1", ADA, "go", clock.instant());
    engine.onApproval(approval);
    engine.onApproval(approval);

    assertThat(cluster.applies).hasSize(1);
    assertThat(causedBy(diff)).filteredOn(ApplySucceeded.class::isInstance).hasSize(1);
  }

  @Test
  void aRetryableFailureIsRecordedAndRetriedUntilItSucceeds() {
    cluster.failNext(Outcome.retryable("Unreachable", "connection refused", null));
    var diff = missing(web, AUTO, declare(web, AUTO, "r1"));

    ApplyFailed failed = (ApplyFailed) causedBy(diff).get(1);
    assertThat(failed.terminal()).isFalse();
    assertThat(failed.reason()).isEqualTo("Unreachable");
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.nextAttemptAt()).isNotNull();

    await("the second attempt succeeds")
        .until(() -> causedBy(diff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(succeeded(diff).attempt()).isEqualTo(2);
    assertThat(cluster.applies).hasSize(2);
    assertThat(count("opsledger.applier.retries", "reason", "Unreachable")).isEqualTo(1);
  }

  @Test
  void aTerminalFailureIsRecordedOnceAndNotRetried() {
    cluster.failNext(Outcome.terminal("Invalid", "spec.data: must be a map", 422));
    var diff = missing(web, AUTO, declare(web, AUTO, "r1"));

    ApplyFailed failed = (ApplyFailed) causedBy(diff).get(1);
    assertThat(failed.terminal()).isTrue();
    assertThat(failed.httpStatus()).isEqualTo(422);
    assertThat(failed.nextAttemptAt()).isNull();
    assertThat(scheduler.size()).isZero();

    engine.onDiff(diff);
    assertThat(cluster.applies).hasSize(1);
  }

  @Test
  void anOutcomeKafkaDidNotAcknowledgeIsNotHandledYetAndIsRetried() {
    sink.refuseNext(1);
    var diff = missing(web, AUTO, declare(web, AUTO, "r1"));

    await("the outcome is acknowledged at the next attempt")
        .until(() -> causedBy(diff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(cluster.applies).hasSize(2);
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.UNCHANGED);
  }

  @Test
  void anObjectWhoseDeclaredNamespaceIsNotAppliedYetWaitsForItWithoutAFailedAttempt() {
    ResourceKey shop = ResourceKey.of(TARGET, "", "Namespace", "", "shop");
    declare(shop, AUTO, "r1");
    declare(web, AUTO, "r1");

    var webDiff = missing(web, AUTO, "r1");
    assertThat(causedBy(webDiff)).isEmpty();
    assertThat(cluster.applies).isEmpty();

    var shopDiff = missing(shop, AUTO, "r1");

    await("the namespace's apply wakes the object")
        .until(() -> causedBy(webDiff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(causedBy(shopDiff)).hasSize(2);
    assertThat(causedBy(webDiff))
        .hasSize(2)
        .hasExactlyElementsOfTypes(ApplyStarted.class, ApplySucceeded.class);
    assertThat(cluster.applies).extracting(ApplyRequest::resource).containsExactly(shop, web);
  }

  @Test
  void anObjectWhoseDeclaredNamespaceIsAlreadyInSyncIsAppliedAtOnce() {
    ResourceKey shop = ResourceKey.of(TARGET, "", "Namespace", "", "shop");
    declare(shop, AUTO, "r1");
    declare(web, AUTO, "r1");
    handle(new ResourceInSync(shop, AUTO, "r1", "h", clock.instant()));

    var webDiff = missing(web, AUTO, "r1");

    assertThat(causedBy(webDiff))
        .hasExactlyElementsOfTypes(ApplyStarted.class, ApplySucceeded.class);
  }

  @Test
  void aCustomResourceWaitsForItsDeclaredDefinitionToBeApplied() {
    ResourceKey crd =
        ResourceKey.of(
            TARGET, "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.org");
    ResourceKey widget = ResourceKey.of(TARGET, "example.org", "Widget", "shop", "w1");
    ObjectNode definition = manifest(crd, "r1");
    definition
        .putObject("spec")
        .put("group", "example.org")
        .putObject("names")
        .put("kind", "Widget");
    engine.onDesired(
        new DesiredStateChanged(
            crd,
            AUTO,
            "r1",
            "crds/widgets.yaml",
            "hash-r1",
            definition,
            ADA,
            clock.instant(),
            null));
    declare(widget, AUTO, "r1");

    var widgetDiff = missing(widget, AUTO, "r1");
    assertThat(causedBy(widgetDiff)).isEmpty();

    missing(crd, AUTO, "r1");

    await("the definition's apply wakes the custom resource")
        .until(() -> causedBy(widgetDiff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(cluster.applies).extracting(ApplyRequest::resource).containsExactly(crd, widget);
  }

  @Test
  void aDiffNamingARevisionNotSeenYetWaitsSilentlyForItsDesiredRecord() {
    var diff = missing(web, AUTO, "r1");
    assertThat(causedBy(diff)).isEmpty();
    assertThat(scheduler.pendingOf(web)).isNotNull();

    declare(web, AUTO, "r1");

    await("the desired record wakes the diff")
        .until(() -> causedBy(diff).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(succeeded(diff).outcome()).isEqualTo(ApplyOutcome.CREATED);
  }

  @Test
  void restoredWorkRunsAndAnUnapprovedDiffWaitsForApprovalAgain() {
    ResourceKey db = configMap("db");
    declare(web, AUTO, "r1");
    declare(db, MANUAL, "r1");
    var pending = diffOf(new ResourceMissing(web, AUTO, "r1", clock.instant()));
    var awaiting = diffOf(new ResourceMissing(db, MANUAL, "r1", clock.instant()));

    engine.restore(
        new PendingWork.Derived(
            List.of(new Work(pending, 1, clock.instant())),
            List.of(new Work(awaiting, 1, clock.instant())),
            List.of(),
            Map.of()),
        List.of());

    await("the pending diff is applied")
        .until(() -> causedBy(pending).stream().anyMatch(ApplySucceeded.class::isInstance));
    assertThat(engine.awaitingApprovals()).isEqualTo(1);
    assertThat(causedBy(awaiting)).isEmpty();
  }

  @Test
  void aResourceRemovedLongAgoIsForgottenButNotOneWaitingForApprovalOrDeclaredAgain() {
    ResourceKey db = configMap("db");
    ResourceKey readded = configMap("readded");
    declare(web, AUTO, "r1");
    remove(web, AUTO, "r2");
    declare(db, MANUAL, "r1");
    remove(db, MANUAL, "r2");
    var awaiting = diffOf(new ResourceExtraneous(db, MANUAL, "r2", "h", clock.instant()));
    engine.restore(
        new PendingWork.Derived(
            List.of(), List.of(new Work(awaiting, 1, clock.instant())), List.of(), Map.of()),
        List.of());
    remove(readded, AUTO, "r1");
    declare(readded, AUTO, "r2");

    engine.forget(List.of(web, db, readded));

    assertThat(engine.newestRevision(web)).isNull();
    assertThat(engine.newestRevision(db)).isEqualTo("r2");
    assertThat(engine.newestRevision(readded)).isEqualTo("r2");
    assertThat(engine.awaitingApprovals()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------

  static byte[] key() {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) 7);
    return k;
  }

  static ResourceKey configMap(String name) {
    return ResourceKey.of(TARGET, "", "ConfigMap", "shop", name);
  }

  static ObjectNode manifest(ResourceKey key, String revision) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", key.kind());
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    m.putObject("data").put("revision", revision);
    return m;
  }

  String declare(ResourceKey key, String source, String revision) {
    engine.onDesired(
        new DesiredStateChanged(
            key,
            source,
            revision,
            "apps/" + key.name() + ".yaml",
            "hash-" + revision,
            manifest(key, revision),
            ADA,
            clock.instant(),
            null));
    return revision;
  }

  /** Removes the keys at the revision, counted as the git-watcher counts them. */
  void removeCounted(List<ResourceKey> keys, String source, String revision, int declaredBefore) {
    for (ResourceKey key : keys) {
      engine.onDesired(
          new DesiredStateRemoved(
              key,
              source,
              revision,
              "apps/" + key.name() + ".yaml",
              ADA,
              clock.instant(),
              null,
              null,
              keys.size(),
              declaredBefore));
    }
  }

  String remove(ResourceKey key, String source, String revision) {
    engine.onDesired(
        new DesiredStateRemoved(
            key, source, revision, "apps/" + key.name() + ".yaml", ADA, clock.instant(), null));
    return revision;
  }

  EventEnvelope<ResourceEvent> missing(ResourceKey key, String source, String revision) {
    return handle(new ResourceMissing(key, source, revision, clock.instant()));
  }

  EventEnvelope<ResourceEvent> drift(ResourceKey key, String source, String revision) {
    return handle(
        new DriftDetected(
            key,
            source,
            revision,
            "live-hash",
            clock.instant(),
            EventJson.mapper().createArrayNode(),
            "",
            List.of("/data/revision")));
  }

  EventEnvelope<ResourceEvent> extraneous(ResourceKey key, String source, String revision) {
    return handle(new ResourceExtraneous(key, source, revision, "live-hash", clock.instant()));
  }

  EventEnvelope<ResourceEvent> extraneous(
      ResourceKey key, String source, String revision, String observedUid) {
    return handle(
        new ResourceExtraneous(key, source, revision, "live-hash", clock.instant(), observedUid));
  }

  EventEnvelope<ResourceEvent> handle(ResourceEvent diff) {
    EventEnvelope<ResourceEvent> envelope = diffOf(diff);
    engine.onDiff(envelope);
    return envelope;
  }

  static EventEnvelope<ResourceEvent> diffOf(ResourceEvent diff) {
    return EventEnvelope.create("/opsledger/differ", "sha", diff);
  }

  List<OpsLedgerEvent> causedBy(EventEnvelope<?> diff) {
    return sink.causedBy(diff).stream().<OpsLedgerEvent>map(EventEnvelope::data).toList();
  }

  ApplySucceeded succeeded(EventEnvelope<?> diff) {
    return last(diff, ApplySucceeded.class);
  }

  ApplySkipped skipped(EventEnvelope<?> diff) {
    return last(diff, ApplySkipped.class);
  }

  /** The last event of this type caused by the diff. */
  <T extends OpsLedgerEvent> T last(EventEnvelope<?> diff, Class<T> type) {
    List<T> found = causedBy(diff).stream().filter(type::isInstance).map(type::cast).toList();
    if (found.isEmpty()) {
      throw new AssertionError("no " + type.getSimpleName() + ": " + causedBy(diff));
    }
    return found.get(found.size() - 1);
  }

  double count(String meter) {
    return metrics.registry().find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  double count(String meter, String tag, String value) {
    return metrics.registry().find(meter).tag(tag, value).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** What reached Kafka, in order; can refuse to acknowledge final outcomes. */
  static final class RecordingSink implements EventSink {
    final List<EventEnvelope<?>> events = new CopyOnWriteArrayList<>();
    final AtomicInteger refusals = new AtomicInteger();

    void refuseNext(int times) {
      refusals.set(times);
    }

    List<EventEnvelope<?>> causedBy(EventEnvelope<?> diff) {
      return events.stream().filter(e -> diff.id().equals(e.causation())).toList();
    }

    @Override
    public CompletableFuture<?> send(EventEnvelope<?> event) {
      if (isFinal(event) && refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("Kafka did not acknowledge"));
      }
      events.add(event);
      return CompletableFuture.completedFuture(null);
    }

    /** A final outcome: what the applier publishes before it counts a diff as handled. */
    private static boolean isFinal(EventEnvelope<?> event) {
      return event.data() instanceof ApplySucceeded
          || event.data() instanceof ApplySkipped
          || (event.data() instanceof ApplyFailed f && f.terminal());
    }

    @Override
    public void sendAndWait(List<? extends EventEnvelope<?>> batch) {
      if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("Kafka did not acknowledge");
      }
      events.addAll(batch);
    }
  }

  /**
   * A cluster of one target that remembers the revision each object was applied at: a first apply
   * creates, the same revision again is unchanged, another one patches. Failures can be scripted.
   */
  static final class FakeCluster implements ResourceApplier {
    final Map<ResourceKey, String> live = new ConcurrentHashMap<>();
    final List<ApplyRequest> applies = new CopyOnWriteArrayList<>();
    final List<DeleteRequest> deletes = new CopyOnWriteArrayList<>();
    final Deque<Outcome> failures = new ArrayDeque<>();

    synchronized void failNext(Outcome failure) {
      failures.add(failure);
    }

    @Override
    public boolean handles(ResourceKey resource) {
      return TARGET.equals(resource.target());
    }

    @Override
    public synchronized Outcome apply(ApplyRequest request) {
      applies.add(request);
      if (!failures.isEmpty()) {
        return failures.poll();
      }
      String revision = request.manifest().path("data").path("revision").asText();
      String before = live.put(request.resource(), revision);
      if (before == null) {
        return new Outcome.Created();
      }
      return before.equals(revision) ? new Outcome.Unchanged() : new Outcome.Patched();
    }

    @Override
    public synchronized Outcome delete(DeleteRequest request) {
      deletes.add(request);
      if (!failures.isEmpty()) {
        return failures.poll();
      }
      return live.remove(request.resource()) == null
          ? new Outcome.Unchanged()
          : new Outcome.Deleted();
    }
  }
}
