package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.ResourceRemoved;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit's folds, without Kafka. */
class AuditProjectionsTest {

  private static final ResourceKey CM = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
  private static final Person ADA = new Person("Ada", "ada@example.com");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String SHA1 = "a".repeat(40);
  private static final String SHA2 = "b".repeat(40);

  private final List<LoggedEvent> log = new ArrayList<>();

  @Test
  void saysWhatAHeldPruneAndAFieldConflictWere() {
    ResourceKey web = ResourceKey.of("prod", "apps", "Deployment", "shop", "web");

    assertThat(
            AuditProjections.summary(
                new dev.opsledger.events.PruneHeld("shop", "abcdef1234567", 9, 10, T0)))
        .contains("prunes held")
        .contains("removes 9 of 10");
    assertThat(
            AuditProjections.summary(
                new dev.opsledger.events.FieldsConflicted(
                    web,
                    "shop",
                    "r1",
                    true,
                    List.of(
                        new dev.opsledger.events.FieldsConflicted.Field("hpa", ".spec.replicas")),
                    T0)))
        .isEqualTo("took fields from other managers: .spec.replicas (hpa)");
  }

  @Test
  void aResourceRemovedFromGitIsNoLongerDeclaredAfterTheRemoval() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(
        10,
        Topic.DESIRED,
        SHA2,
        new DesiredStateRemoved(CM, "src", SHA2, "cfg.yaml", ADA, T0, null));
    at(20, Topic.OBSERVED, "", new ObservedStateAbsent(CM, T0.plusSeconds(20), "deleted"));
    at(21, Topic.DIFFS, SHA2, new ResourceRemoved(CM, "src", SHA2, T0.plusSeconds(21)));

    var before = AuditProjections.stateAt(log, T0.plusSeconds(5)).resources().get(0);
    var after = AuditProjections.stateAt(log, T0.plusSeconds(30)).resources().get(0);

    assertThat(before.declared()).isTrue();
    assertThat(before.declaredRevision()).isEqualTo(SHA1);
    assertThat(after.declared()).isFalse();
    assertThat(after.observed()).isEqualTo("absent");
    assertThat(after.syncState()).isEqualTo("Removed");
  }

  @Test
  void aForcePushBackToAnOlderCommitIsAHistoryRewriteAtTheTimeItWasRecorded() {
    at(0, Topic.COMMITS, SHA1, commit(SHA1, T0, null, 1));
    at(0, Topic.DESIRED, SHA1, declared());
    at(60, Topic.COMMITS, SHA2, commit(SHA2, T0.plusSeconds(60), null, 2));
    at(
        60,
        Topic.DESIRED,
        SHA2,
        new DesiredStateChanged(
            CM,
            "src",
            SHA2,
            "cfg.yaml",
            "sha256:" + "1".repeat(64),
            manifest(),
            ADA,
            T0,
            null,
            2L));
    // The branch is moved back to SHA1 an hour later: SHA1 is recorded again, third.
    at(3600, Topic.COMMITS, SHA1, commit(SHA1, T0, SHA2, 3));
    at(
        3600,
        Topic.DESIRED,
        SHA1,
        new DesiredStateChanged(
            CM,
            "src",
            SHA1,
            "cfg.yaml",
            "sha256:" + "0".repeat(64),
            manifest(),
            ADA,
            T0,
            null,
            3L));

    var changes = AuditProjections.who(log, T0.minusSeconds(1), T0.plusSeconds(7200));

    assertThat(changes)
        .extracting(Answers.Change::kind)
        .containsExactly("commit", "commit", "history-rewrite");
    var rewrite = changes.get(2);
    assertThat(rewrite.revision()).isEqualTo(SHA1);
    assertThat(rewrite.rewrittenFrom()).isEqualTo(SHA2);
    assertThat(rewrite.time()).isEqualTo(T0.plusSeconds(3600));
    assertThat(rewrite.message()).contains("force-push").contains(SHA2.substring(0, 7));
    assertThat(
            AuditProjections.stateAt(log, T0.plusSeconds(7200))
                .resources()
                .get(0)
                .declaredRevision())
        .isEqualTo(SHA1);
    assertThat(AuditProjections.history(log, CM).entries())
        .extracting(Answers.HistoryEntry::revision)
        .containsExactly(SHA1, SHA2, SHA1);
  }

  @Test
  void aResourcesSyncStateIsItsLastDiffsStateAndUnknownBeforeAny() {
    at(0, Topic.DESIRED, SHA1, declared());
    var before = AuditProjections.stateAt(log, T0.plusSeconds(1)).resources().get(0);
    at(2, Topic.DIFFS, SHA1, new ResourceMissing(CM, "src", SHA1, T0.plusSeconds(2)));
    at(3, Topic.DIFFS, SHA1, new ResourceInSync(CM, "src", SHA1, "h", T0.plusSeconds(3)));
    at(
        4,
        Topic.APPLIES,
        SHA1,
        new ApplySkipped(CM, "src", SHA1, SkipPolicy.MANUAL_APPROVAL, "", T0.plusSeconds(4)));

    var after = AuditProjections.stateAt(log, T0.plusSeconds(5)).resources().get(0);

    assertThat(before.syncState()).isEqualTo("Unknown");
    assertThat(before.hasState(DiffState.IN_SYNC)).isFalse();
    assertThat(after.syncState()).isEqualTo("InSync");
    assertThat(after.hasState(DiffState.IN_SYNC)).isTrue();
    assertThat(after.lastApply()).isEqualTo("SKIPPED(manual-approval)");
  }

  @Test
  void aRedeliveredDiffSkippedAsAlreadyAppliedLeavesTheLastApplyAndTheApprovalWaitAsTheyWere() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(
        1,
        Topic.APPLIES,
        SHA1,
        new ApplySucceeded(CM, "src", SHA1, ApplyOutcome.PATCHED, false, 1, T0.plusSeconds(1), 9));
    at(
        2,
        Topic.APPLIES,
        SHA1,
        new ApplySkipped(CM, "src", SHA1, SkipPolicy.MANUAL_APPROVAL, "", T0.plusSeconds(2)));
    at(
        3,
        Topic.APPLIES,
        SHA1,
        new ApplySkipped(CM, "src", SHA1, SkipPolicy.ALREADY_APPLIED, "", T0.plusSeconds(3)));

    var state = AuditProjections.stateAt(log, T0.plusSeconds(4)).resources().get(0);
    LiveView view = new LiveView();
    log.forEach(view::add);

    assertThat(state.lastApply()).isEqualTo("SKIPPED(manual-approval)");
    assertThat(state.lastApplyAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(view.now().awaitingApproval()).containsKey(CM);
  }

  @Test
  void aResourceIsNotInSyncAtANewerRevisionUntilThatRevisionWasCompared() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(1, Topic.DIFFS, SHA1, new ResourceInSync(CM, "src", SHA1, "h", T0.plusSeconds(1)));
    at(
        2,
        Topic.DESIRED,
        SHA2,
        new DesiredStateChanged(
            CM, "src", SHA2, "cfg.yaml", "sha256:" + "1".repeat(64), manifest(), ADA, T0, null));

    var between = AuditProjections.stateAt(log, T0.plusSeconds(3)).resources().get(0);
    at(4, Topic.DIFFS, SHA2, new ResourceInSync(CM, "src", SHA2, "h", T0.plusSeconds(4)));
    var after = AuditProjections.stateAt(log, T0.plusSeconds(5)).resources().get(0);

    assertThat(between.declaredRevision()).isEqualTo(SHA2);
    assertThat(between.syncState()).isEqualTo("Unknown");
    assertThat(after.syncState()).isEqualTo("InSync");
  }

  @Test
  void aCommitThatNeverConvergedHasNoInSyncLatency() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(1, Topic.DIFFS, SHA1, new ResourceMissing(CM, "src", SHA1, T0.plusSeconds(1)));
    at(
        2,
        Topic.APPLIES,
        SHA1,
        new ApplyFailed(CM, "src", SHA1, true, "Invalid", "bad", 422, 1, T0.plusSeconds(2), null));

    var timeline = AuditProjections.timeline(log, SHA1);

    assertThat(timeline.firstDesiredMillis()).isZero();
    assertThat(timeline.firstDiffMillis()).isEqualTo(1000);
    assertThat(timeline.firstApplyMillis()).isEqualTo(-1);
    assertThat(timeline.allInSyncMillis()).isEqualTo(-1);
    assertThat(AuditProjections.stateAt(log, T0.plusSeconds(3)).resources().get(0).lastApply())
        .isEqualTo("FAILED");
  }

  @Test
  void aTimelineWhoseDesiredEventsPrecedeTheCommitRecordAgreesWithItsRows() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(1, Topic.COMMITS, SHA1, commit(SHA1, T0, null, 1));
    at(2, Topic.DIFFS, SHA1, new ResourceInSync(CM, "src", SHA1, "h", T0.plusSeconds(2)));

    var timeline = AuditProjections.timeline(log, SHA1);

    assertThat(timeline.steps())
        .extracting(Answers.TimelineStep::sinceCommitMillis)
        .containsExactly(0L, 1000L, 2000L);
    assertThat(timeline.firstDesiredMillis()).isZero();
    assertThat(timeline.firstDiffMillis()).isEqualTo(2000);
    assertThat(timeline.allInSyncMillis()).isEqualTo(2000);
  }

  @Test
  void aTimelineShowsAWriteWaitingForItsOrderAndThenTheApply() {
    at(0, Topic.DESIRED, SHA1, declared());
    at(1, Topic.DIFFS, SHA1, new ResourceMissing(CM, "src", SHA1, T0.plusSeconds(1)));
    at(
        2,
        Topic.APPLIES,
        SHA1,
        new ApplySkipped(
            CM,
            "src",
            SHA1,
            SkipPolicy.WAITING_FOR_SOURCE,
            "source src waits for source platform to be in sync and healthy: x (Progressing)",
            T0.plusSeconds(2)));
    at(
        5,
        Topic.APPLIES,
        SHA1,
        new ApplySucceeded(CM, "src", SHA1, ApplyOutcome.CREATED, false, 1, T0.plusSeconds(5), 20));

    var timeline = AuditProjections.timeline(log, SHA1);

    assertThat(timeline.steps())
        .extracting(Answers.TimelineStep::summary)
        .containsSubsequence(
            "waiting (waiting-for-source): source src waits for source platform to be in sync and"
                + " healthy: x (Progressing)",
            "applied: CREATED");
    assertThat(timeline.firstApplyMillis()).isEqualTo(5000);
  }

  @Test
  void anUnreadableRecordIsReportedInTheHistoryOfItsKey() {
    at(0, Topic.DESIRED, SHA1, declared());
    log.add(
        new LoggedEvent(
            Topic.DIFFS.topicName(),
            3,
            7,
            T0.plusSeconds(1),
            CM.toString(),
            null,
            "NOT_JSON: body is not JSON"));

    var history = AuditProjections.history(log, CM);

    assertThat(history.entries()).hasSize(1);
    assertThat(history.unreadable())
        .containsExactly("opsledger.diffs/3@7: NOT_JSON: body is not JSON");
  }

  @Test
  void historyShowsARollbackWithWhoAskedAndTheResumeWhenGitMoved() {
    Person bob = new Person("Bob", "bob@example.com");
    String sha3 = "c".repeat(40);
    at(0, Topic.COMMITS, SHA1, commit(SHA1, T0, null, 1));
    at(1, Topic.DESIRED, SHA1, declared());
    at(
        30,
        Topic.APPROVALS,
        SHA1,
        new dev.opsledger.events.RollbackRequested(
            CM, "src", "src", SHA1, SHA2, 2L, manifest(), bob, "bad config", T0.plusSeconds(30)));
    at(
        60,
        Topic.APPLIES,
        sha3,
        new dev.opsledger.events.SyncResumed(CM, "src", SHA1, sha3, T0.plusSeconds(60)));

    var entries = AuditProjections.history(log, CM).entries();

    assertThat(entries).hasSize(3);
    assertThat(entries.get(1).type()).isEqualTo("dev.opsledger.sync.rollback");
    assertThat(entries.get(1).author()).isEqualTo(bob);
    assertThat(entries.get(1).revision()).isEqualTo(SHA1);
    assertThat(entries.get(1).summary())
        .startsWith("rolled back to aaaaaaaaaaaa by Bob <bob@example.com>")
        .contains("bad config");
    assertThat(entries.get(2).summary())
        .isEqualTo(
            "auto-sync resumed: Git moved to cccccccccccc after the rollback to aaaaaaaaaaaa");
    assertThat(AuditProjections.who(log, T0, T0.plusSeconds(90)))
        .anySatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo("rollback");
              assertThat(c.who()).isEqualTo(bob);
            });
  }

  private DesiredStateChanged declared() {
    var manifest = JsonNodeFactory.instance.objectNode().put("kind", "ConfigMap");
    return new DesiredStateChanged(
        CM, "src", SHA1, "cfg.yaml", "sha256:" + "0".repeat(64), manifest, ADA, T0, null);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode manifest() {
    return JsonNodeFactory.instance.objectNode().put("kind", "ConfigMap");
  }

  private static CommitObserved commit(String sha, Instant at, String rewrittenFrom, long seq) {
    return CommitObserved.recorded(
        "src",
        null,
        "main",
        sha,
        List.of(),
        ADA,
        ADA,
        at,
        at,
        "change " + seq,
        List.of("cfg.yaml"),
        null,
        false,
        rewrittenFrom,
        seq);
  }

  private void at(long seconds, Topic topic, String correlation, OpsLedgerEvent data) {
    Instant t = T0.plusSeconds(seconds);
    var envelope = new EventEnvelope<>("id-" + log.size(), "/test", t, correlation, "", "", data);
    log.add(new LoggedEvent(topic.topicName(), 0, log.size(), t, data.subject(), envelope, null));
  }
}
