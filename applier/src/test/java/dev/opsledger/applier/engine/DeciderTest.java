package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.SkipPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeciderTest {

  static final SyncPolicy AUTO = SyncPolicy.DEFAULT;
  static final SyncPolicy MANUAL = new SyncPolicy(false, false, true, false, true);
  static final SyncPolicy PRUNE = new SyncPolicy(true, true, true, false, true);
  static final SyncPolicy NO_HEAL = new SyncPolicy(true, false, false, false, true);
  static final SyncPolicy DRY = new SyncPolicy(true, false, true, true, false);
  static final SyncPolicy DETECT = new SyncPolicy(true, true, true, false, true, true, true);

  static DesiredView view(String newest, String lastApplied, boolean removed, String... order) {
    java.util.Map<String, Long> o = new java.util.HashMap<>();
    for (int i = 0; i < order.length; i++) {
      o.put(order[i], (long) i + 1);
    }
    return new DesiredView("src", newest, null, removed, lastApplied, Map.copyOf(o));
  }

  @Test
  void appliesAMissingResourceOfTheNewestRevision() {
    assertThat(
            Decider.decide(
                DiffState.MISSING, "r1", view("r1", null, false, "r1"), AUTO, () -> false))
        .isEqualTo(new Decision.Apply(false, true));
  }

  @Test
  void skipsADiffOfAnOlderRevisionAsStale() {
    Decision d =
        Decider.decide(
            DiffState.DRIFTED, "r1", view("r2", "r1", false, "r1", "r2"), AUTO, () -> false);
    assertThat(d).isInstanceOf(Decision.Skip.class);
    assertThat(((Decision.Skip) d).policy()).isEqualTo(SkipPolicy.STALE_REVISION);
  }

  @Test
  void waitsForARevisionNotSeenOnTheDesiredTopic() {
    assertThat(
            Decider.decide(
                DiffState.MISSING, "r9", view("r1", null, false, "r1"), AUTO, () -> false))
        .isInstanceOf(Decision.AwaitDesired.class);
    assertThat(Decider.decide(DiffState.MISSING, "r9", null, AUTO, () -> false))
        .isInstanceOf(Decision.AwaitDesired.class);
  }

  @Test
  void treatsDriftOfTheLastAppliedRevisionAsALiveEdit() {
    DesiredView v = view("r1", "r1", false, "r1");
    assertThat(Decider.decide(DiffState.DRIFTED, "r1", v, AUTO, () -> false))
        .isEqualTo(new Decision.Apply(false, true));
    assertThat(Decider.decide(DiffState.DRIFTED, "r1", v, NO_HEAL, () -> false))
        .isEqualTo(
            new Decision.Skip(
                SkipPolicy.SELF_HEAL_DISABLED,
                "live edit of revision r1 left in place: self-heal is off"));
  }

  @Test
  void appliesDriftOfANewRevisionEvenWithSelfHealOff() {
    assertThat(
            Decider.decide(
                DiffState.DRIFTED, "r2", view("r2", "r1", false, "r1", "r2"), NO_HEAL, () -> false))
        .isEqualTo(new Decision.Apply(false, true));
  }

  @Test
  void waitsForApprovalUnderManualSyncAndAppliesOnceApproved() {
    DesiredView v = view("r1", null, false, "r1");
    Decision waiting = Decider.decide(DiffState.MISSING, "r1", v, MANUAL, () -> false);
    assertThat(((Decision.Skip) waiting).policy()).isEqualTo(SkipPolicy.MANUAL_APPROVAL);
    assertThat(Decider.decide(DiffState.MISSING, "r1", v, MANUAL, () -> true))
        .isEqualTo(new Decision.Apply(false, true));
  }

  @Test
  void prunesOnlyWhenPruneIsOn() {
    DesiredView removed = view("r2", "r1", true, "r1", "r2");
    Decision off = Decider.decide(DiffState.EXTRANEOUS, "r2", removed, AUTO, () -> false);
    assertThat(((Decision.Skip) off).policy()).isEqualTo(SkipPolicy.PRUNE_DISABLED);
    assertThat(Decider.decide(DiffState.EXTRANEOUS, "r2", removed, PRUNE, () -> false))
        .isEqualTo(new Decision.Delete(false));
  }

  @Test
  void doesNotPruneAResourceDeclaredAgain() {
    DesiredView again = view("r3", "r1", false, "r1", "r2", "r3");
    Decision d = Decider.decide(DiffState.EXTRANEOUS, "r2", again, PRUNE, () -> false);
    assertThat(((Decision.Skip) d).policy()).isEqualTo(SkipPolicy.STALE_REVISION);
  }

  @Test
  void carriesDryRunAndForceConflictsFromThePolicy() {
    assertThat(
            Decider.decide(
                DiffState.MISSING, "r1", view("r1", null, false, "r1"), DRY, () -> false))
        .isEqualTo(new Decision.Apply(true, false));
  }

  static DesiredView removedBy(String revision, int removals, int declaredBefore) {
    return new DesiredView(
        "src",
        revision,
        null,
        true,
        "r1",
        Map.of("r1", 1L, revision, 2L),
        new DesiredView.RemovalCounts(removals, declaredBefore));
  }

  @Test
  void holdsThePrunesOfARevisionThatRemovesMoreThanHalfOfItsSource() {
    Decision d =
        Decider.decide(DiffState.EXTRANEOUS, "r2", removedBy("r2", 3, 5), PRUNE, () -> false);

    assertThat(d).isInstanceOf(Decision.HoldPrune.class);
    Decision.HoldPrune hold = (Decision.HoldPrune) d;
    assertThat(hold.sourceId()).isEqualTo("src");
    assertThat(hold.revision()).isEqualTo("r2");
    assertThat(hold.counts()).isEqualTo(new DesiredView.RemovalCounts(3, 5));
    assertThat(hold.detail()).contains("removes 3 of the 5 resources of source src");
  }

  @Test
  void holdsTheOnlyResourceOfASourceRemovedWhole() {
    assertThat(
            Decider.decide(DiffState.EXTRANEOUS, "r2", removedBy("r2", 1, 1), PRUNE, () -> false))
        .isInstanceOf(Decision.HoldPrune.class);
  }

  @Test
  void prunesHalfOfASourceOrLessWithoutApproval() {
    assertThat(
            Decider.decide(DiffState.EXTRANEOUS, "r2", removedBy("r2", 2, 4), PRUNE, () -> false))
        .isEqualTo(new Decision.Delete(false));
    assertThat(
            Decider.decide(DiffState.EXTRANEOUS, "r2", removedBy("r2", 1, 10), PRUNE, () -> false))
        .isEqualTo(new Decision.Delete(false));
  }

  @Test
  void prunesAHeldRevisionOnceItIsApproved() {
    assertThat(Decider.decide(DiffState.EXTRANEOUS, "r2", removedBy("r2", 5, 5), PRUNE, () -> true))
        .isEqualTo(new Decision.Delete(false));
  }

  @Test
  void aSourceThatOptsOutOfTheGuardPrunesAMassDelete() {
    SyncPolicy unguarded = new SyncPolicy(true, true, true, false, true, false);

    assertThat(
            Decider.decide(
                DiffState.EXTRANEOUS, "r2", removedBy("r2", 5, 5), unguarded, () -> false))
        .isEqualTo(new Decision.Delete(false));
  }

  @Test
  void doesNotAskForAnApprovalItDoesNotNeed() {
    // A one-time approval is used up by asking: a prune that is not held must not ask.
    assertThat(
            Decider.decide(
                DiffState.EXTRANEOUS,
                "r2",
                removedBy("r2", 1, 10),
                PRUNE,
                () -> {
                  throw new AssertionError("asked for an approval");
                }))
        .isEqualTo(new Decision.Delete(false));
  }

  @Test
  void detectOnlySkipsEveryKindOfDiffWhateverElseThePolicySays() {
    DesiredView declared = view("r2", "r1", false, "r1", "r2");
    assertThat(Decider.decide(DiffState.MISSING, "r2", declared, DETECT, () -> true))
        .isEqualTo(
            new Decision.Skip(
                SkipPolicy.DETECT_ONLY,
                "revision r2 declares it and it is missing live; left as is: the resource is"
                    + " detect-only"));
    assertThat(Decider.decide(DiffState.DRIFTED, "r2", declared, DETECT, () -> true))
        .isEqualTo(
            new Decision.Skip(
                SkipPolicy.DETECT_ONLY,
                "live differs from revision r2; left as is: the resource is detect-only"));
    Decision prune =
        Decider.decide(
            DiffState.EXTRANEOUS, "r2", view("r2", "r1", true, "r1", "r2"), DETECT, () -> true);
    assertThat(((Decision.Skip) prune).policy()).isEqualTo(SkipPolicy.DETECT_ONLY);
  }

  @Test
  void aStaleDiffOfADetectOnlyResourceIsStillSkippedAsStale() {
    Decision d =
        Decider.decide(
            DiffState.DRIFTED, "r1", view("r2", "r1", false, "r1", "r2"), DETECT, () -> false);
    assertThat(((Decision.Skip) d).policy()).isEqualTo(SkipPolicy.STALE_REVISION);
  }
}
