package dev.opsledger.differ.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.reconcile.ReconcileState;
import dev.opsledger.differ.reconcile.ReconciliationStateChanged;
import dev.opsledger.differ.reconcile.RecordObservedState;
import dev.opsledger.differ.stream.InputCommands;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observed uid goes from the collector's event through the aggregate's command to the prune
 * candidate, and nowhere else: a diff event other than {@code ResourceExtraneous} has no place for
 * it.
 */
class UidCarriedTest {

  private static final ResourceKey KEY = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
  private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

  @Test
  void anObservationsUidReachesTheCommand() {
    var live = EventJson.mapper().createObjectNode().put("kind", "ConfigMap");
    var observed =
        EventEnvelope.create(
            "/opsledger/test",
            "",
            new ObservedStateChanged(
                KEY, T0, "7", CanonicalJson.hash(live), live, true, "uid-observed"));

    RecordObservedState command =
        (RecordObservedState) InputCommands.commandFor(observed).orElseThrow();

    assertThat(command.uid()).isEqualTo("uid-observed");
  }

  @Test
  void theExtraneousDiffCarriesTheObservedUid() {
    var event =
        DiffEvents.toContract(change(ReconcileState.EXTRANEOUS, "uid-observed"), "e1", "/differ")
            .orElseThrow()
            .data();

    assertThat(event).isInstanceOf(ResourceExtraneous.class);
    assertThat(((ResourceExtraneous) event).observedUid()).isEqualTo("uid-observed");
  }

  @Test
  void anExtraneousDiffOfAnObservationWithoutUidHasNone() {
    var event =
        DiffEvents.toContract(change(ReconcileState.EXTRANEOUS, null), "e1", "/differ")
            .orElseThrow()
            .data();

    assertThat(((ResourceExtraneous) event).observedUid()).isNull();
  }

  @Test
  void theUidTakesNoPartInWhatWasPublished() {
    var withUid =
        DiffEvents.toContract(change(ReconcileState.EXTRANEOUS, "uid-1"), "e1", "/d").orElseThrow();
    var otherUid =
        DiffEvents.toContract(change(ReconcileState.EXTRANEOUS, "uid-2"), "e2", "/d").orElseThrow();
    var inSync =
        DiffEvents.toContract(change(ReconcileState.IN_SYNC, "uid-1"), "e3", "/d").orElseThrow();

    assertThat(DiffEvents.stateOf(withUid.data())).isEqualTo(DiffEvents.stateOf(otherUid.data()));
    assertThat(inSync.data()).isInstanceOf(ResourceInSync.class);
  }

  private static ReconciliationStateChanged change(ReconcileState state, String uid) {
    return new ReconciliationStateChanged(
        KEY.toString(),
        KEY,
        state,
        "",
        "src",
        "rev2",
        "sha256:" + "0".repeat(64),
        null,
        null,
        List.of(),
        null,
        "cause",
        T0,
        T0,
        uid);
  }
}
