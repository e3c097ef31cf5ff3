package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncResumed;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rollback through the engine: it applies the earlier manifest, pauses auto-sync of what it
 * touched (drift from Git's head is recorded as {@code ApplySkipped(rollback-paused)}, not healed),
 * and resumes when Git moves (a newer revision of the source), with a {@code SyncResumed}. Same
 * in-memory sink and fake cluster as {@link ApplyEngineTest}.
 */
class RollbackPauseTest {

  static final Person BOB = new Person("Bob", "bob@example.org");

  final ApplyEngineTest t = new ApplyEngineTest();
  final ResourceKey web = ApplyEngineTest.configMap("web");
  final ResourceKey other = ApplyEngineTest.configMap("other");
  final List<DesiredStateChanged> declared = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    t.stopRetries();
  }

  @Test
  void aRollbackAppliesTheManifestOfTheEarlierRevisionAndNamesItAsApplied() {
    deployedGoodThenBad();

    var rollback = rollBack(web, "good", "bad", 2);

    assertThat(t.cluster.live).containsEntry(web, "good");
    ApplySucceeded applied = t.succeeded(rollback);
    assertThat(applied.desiredRevision()).isEqualTo("good");
    assertThat(t.desired.view(web).lastApplied()).isEqualTo("good");
    assertThat(t.engine.pausedResources()).isEqualTo(1);
  }

  @Test
  void whilePausedDriftFromGitsHeadIsReportedAndNotHealed() {
    deployedGoodThenBad();
    rollBack(web, "good", "bad", 2);

    var drift = t.drift(web, ApplyEngineTest.AUTO, "bad");

    ApplySkipped skipped = t.skipped(drift);
    assertThat(skipped.skipPolicy()).contains(SkipPolicy.ROLLBACK_PAUSED);
    assertThat(skipped.detail())
        .contains("rollback to good requested by Bob <bob@example.org>")
        .contains("revision bad is not applied until Git moves");
    assertThat(t.cluster.live).containsEntry(web, "good");
  }

  @Test
  void aNewRevisionOfTheSourceResumesAutoSyncAndTheHeldDiffTakesOver() {
    deployedGoodThenBad();
    var rollback = rollBack(web, "good", "bad", 2);
    t.drift(web, ApplyEngineTest.AUTO, "bad");

    // Git moves: revision 3 changes another resource of the source only.
    declare(other, "third", 3);

    SyncResumed resumed = (SyncResumed) only(t.causedBy(rollback), SyncResumed.class);
    assertThat(resumed.revision()).isEqualTo("third");
    assertThat(resumed.rolledBackTo()).isEqualTo("good");
    // web's newest declaration is still "bad": resuming applies Git's state of web again.
    assertThat(t.cluster.live).containsEntry(web, "bad");
    assertThat(t.engine.pausedResources()).isZero();
  }

  @Test
  void aDiffOfARevisionDeclaredAfterThePauseEndsItAndIsApplied() {
    deployedGoodThenBad();
    rollBack(web, "good", "bad", 2);
    declare(web, "fixed", 3);

    var diff = t.drift(web, ApplyEngineTest.AUTO, "fixed");

    assertThat(t.succeeded(diff).desiredRevision()).isEqualTo("fixed");
    assertThat(t.cluster.live).containsEntry(web, "fixed");
    assertThat(t.engine.pausedResources()).isZero();
  }

  @Test
  void aDeclarationOfAnotherSourceDoesNotResume() {
    deployedGoodThenBad();
    rollBack(web, "good", "bad", 2);

    t.engine.onDesired(changed(other, "elsewhere", "x1", 9));
    var drift = t.drift(web, ApplyEngineTest.AUTO, "bad");

    assertThat(t.skipped(drift).skipPolicy()).contains(SkipPolicy.ROLLBACK_PAUSED);
    assertThat(t.cluster.live).containsEntry(web, "good");
  }

  @Test
  void aRedeliveredRollbackIsNotAppliedOrPausedAgain() {
    deployedGoodThenBad();
    var rollback = rollBack(web, "good", "bad", 2);
    declare(other, "third", 3);
    int applies = t.cluster.applies.size();

    t.engine.onRollback(rollback);

    assertThat(t.cluster.applies).hasSize(applies);
    assertThat(t.engine.pausedResources()).isZero();
  }

  @Test
  void aPauseSurvivesARestartRebuiltFromTheLogAndASnapshotOfIt() {
    deployedGoodThenBad();
    var rollback = rollBack(web, "good", "bad", 2);

    ApplyEngineTest restarted = restart(rollback, true);

    var drift = restarted.drift(web, ApplyEngineTest.AUTO, "bad");
    assertThat(restarted.skipped(drift).skipPolicy()).contains(SkipPolicy.ROLLBACK_PAUSED);
    assertThat(restarted.cluster.applies).isEmpty();
    restarted.stopRetries();
  }

  @Test
  void aRollbackGitHasMovedPastDoesNotPauseAfterARestart() {
    deployedGoodThenBad();
    var rollback = rollBack(web, "good", "bad", 2);
    declare(other, "third", 3);

    ApplyEngineTest restarted = restart(rollback, false);

    assertThat(restarted.engine.pausedResources()).isZero();
    restarted.stopRetries();
  }

  /**
   * A fresh engine restored from the log this test wrote (declarations, the rollback, the applier's
   * own events), folded by {@link ReplayState}, optionally through a snapshot of it.
   */
  private ApplyEngineTest restart(EventEnvelope<RollbackRequested> rollback, boolean snapshot) {
    ReplayState state =
        new ReplayState(new dev.opsledger.events.EventCodec(), 100, java.time.Duration.ZERO);
    declared.forEach(state::desired);
    state.approval(rollback);
    t.sink.events.forEach(state::apply);
    if (snapshot) {
      ReplayState copy =
          new ReplayState(new dev.opsledger.events.EventCodec(), 100, java.time.Duration.ZERO);
      state.entries(copy::restore);
      state = copy;
    }
    ApplyEngineTest restarted = new ApplyEngineTest();
    state.restore(restarted.engine, restarted.engine::handles, t.clock.instant());
    return restarted;
  }

  private void deployedGoodThenBad() {
    declare(web, "good", 1);
    t.succeeded(t.missing(web, ApplyEngineTest.AUTO, "good"));
    declare(web, "bad", 2);
    t.succeeded(t.drift(web, ApplyEngineTest.AUTO, "bad"));
    assertThat(t.cluster.live).containsEntry(web, "bad");
  }

  private EventEnvelope<RollbackRequested> rollBack(
      ResourceKey key, String to, String head, long headSequence) {
    var event =
        EventEnvelope.create(
            "/opsledger/applier",
            to,
            new RollbackRequested(
                key,
                ApplyEngineTest.AUTO,
                ApplyEngineTest.AUTO,
                to,
                head,
                headSequence,
                ApplyEngineTest.manifest(key, to),
                BOB,
                "bad tag",
                t.clock.instant()));
    t.engine.onRollback(event);
    return event;
  }

  private void declare(ResourceKey key, String revision, long sequence) {
    DesiredStateChanged c = changed(key, ApplyEngineTest.AUTO, revision, sequence);
    declared.add(c);
    t.engine.onDesired(c);
  }

  private DesiredStateChanged changed(
      ResourceKey key, String source, String revision, long sequence) {
    return new DesiredStateChanged(
        key,
        source,
        revision,
        "apps/" + key.name() + ".yaml",
        "hash-" + revision,
        ApplyEngineTest.manifest(key, revision),
        ApplyEngineTest.ADA,
        t.clock.instant(),
        null,
        sequence);
  }

  private static OpsLedgerEvent only(List<OpsLedgerEvent> events, Class<?> type) {
    List<OpsLedgerEvent> found = events.stream().filter(type::isInstance).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
