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
    t.engine.onDesired(changed(key, ApplyEngineTest.AUTO, revision, sequence));
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
