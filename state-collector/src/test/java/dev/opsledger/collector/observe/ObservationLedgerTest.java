package dev.opsledger.collector.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsledger.collector.health.Health;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObservationLedgerTest {

  private static final ResourceKey KEY = ResourceKey.of("t", "", "ConfigMap", "n", "c");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private final ObservationLedger ledger = new ObservationLedger();

  @Test
  void reportsAnObjectOnceUntilItsContentChanges() {
    assertThat(ledger.record(present("h1"), NOW)).isInstanceOf(Verdict.Emit.class);
    assertThat(ledger.record(present("h1"), NOW)).isInstanceOf(Verdict.Unchanged.class);

    Verdict changed = ledger.record(present("h2"), NOW);

    assertThat(changed).isInstanceOf(Verdict.Emit.class);
    assertThat(((Verdict.Emit) changed).event()).isInstanceOf(ObservedStateChanged.class);
  }

  @Test
  void reportsTheSameContentUnderANewUidAsNewsCarryingTheUid() {
    ledger.record(present("h1", "uid-1"), NOW);
    assertThat(ledger.record(present("h1", "uid-1"), NOW)).isInstanceOf(Verdict.Unchanged.class);

    Verdict recreated = ledger.record(present("h1", "uid-2"), NOW);

    ObservedStateChanged event = (ObservedStateChanged) ((Verdict.Emit) recreated).event();
    assertThat(event.uid()).isEqualTo("uid-2");
    assertThat(event.contentHash()).isEqualTo("h1");
  }

  @Test
  void reportsAnAbsenceOnceWhateverTheReason() {
    ledger.record(present("h1"), NOW);

    Verdict gone = ledger.record(new Observation.Absent(KEY, "deleted"), NOW);

    assertThat(((Verdict.Emit) gone).event()).isInstanceOf(ObservedStateAbsent.class);
    assertThat(ledger.record(new Observation.Absent(KEY, "not-found"), NOW))
        .isInstanceOf(Verdict.Unchanged.class);
    assertThat(ledger.record(present("h1"), NOW)).isInstanceOf(Verdict.Emit.class);
  }

  @Test
  void reportsADeclaredResourceNeverSeenAsNotFound() {
    Verdict v = ledger.record(new Observation.Absent(KEY, "not-found"), NOW);

    assertThat(((ObservedStateAbsent) ((Verdict.Emit) v).event()).reason()).isEqualTo("not-found");
  }

  @Test
  void reportsAFailureOnceUntilItChangesOrIsCleared() {
    Observation.Failed forbidden =
        new Observation.Failed(KEY, FailureReason.FORBIDDEN, "no", 403, true);

    Verdict first = ledger.record(forbidden, NOW);

    assertThat(((ObservationFailed) ((Verdict.Emit) first).event()).reason())
        .isEqualTo("Forbidden");
    assertThat(ledger.record(forbidden, NOW)).isInstanceOf(Verdict.Unchanged.class);
    ledger.clearFailure(KEY);
    assertThat(ledger.record(forbidden, NOW)).isInstanceOf(Verdict.Emit.class);
  }

  @Test
  void clearingAFailureLeavesAPresentObjectAlone() {
    ledger.record(present("h1"), NOW);

    ledger.clearFailure(KEY);

    assertThat(ledger.record(present("h1"), NOW)).isInstanceOf(Verdict.Unchanged.class);
  }

  @Test
  void anUnacknowledgedEventIsReportedAgainAtTheNextSighting() {
    Verdict.Emit emit = (Verdict.Emit) ledger.record(present("h1"), NOW);

    ledger.forget(KEY, emit.fingerprint());

    assertThat(ledger.record(present("h1"), NOW)).isInstanceOf(Verdict.Emit.class);
  }

  @Test
  void forgettingAnOlderFingerprintKeepsTheNewerOne() {
    Verdict.Emit old = (Verdict.Emit) ledger.record(present("h1"), NOW);
    ledger.record(present("h2"), NOW);

    ledger.forget(KEY, old.fingerprint());

    assertThat(ledger.record(present("h2"), NOW)).isInstanceOf(Verdict.Unchanged.class);
  }

  @Test
  void reportsAHealthOnlyWhenItChangesWhateverTheContentDoes() {
    assertThat(ledger.recordHealth(present("h1", HealthStatus.PROGRESSING), NOW))
        .get()
        .satisfies(
            h -> {
              assertThat(h.health()).isEqualTo(HealthStatus.PROGRESSING);
              assertThat(h.previous()).isNull();
            });
    // The same health with new content, and again, is no news.
    assertThat(ledger.recordHealth(present("h2", HealthStatus.PROGRESSING), NOW)).isEmpty();
    assertThat(ledger.recordHealth(present("h2", HealthStatus.PROGRESSING), NOW)).isEmpty();
    // A status-only change (same content hash) that changes the health is.
    assertThat(ledger.recordHealth(present("h2", HealthStatus.HEALTHY), NOW))
        .get()
        .satisfies(h -> assertThat(h.previous()).isEqualTo(HealthStatus.PROGRESSING));
    assertThat(ledger.recordHealth(failure(), NOW)).isEmpty();
    assertThat(ledger.recordHealth(present("h2", HealthStatus.HEALTHY), NOW)).isEmpty();
  }

  @Test
  void anAbsentResourceForgetsItsHealthSoItsReturnIsReportedAfresh() {
    ledger.recordHealth(present("h1", HealthStatus.HEALTHY), NOW);

    assertThat(ledger.recordHealth(new Observation.Absent(KEY, "deleted"), NOW)).isEmpty();

    assertThat(ledger.recordHealth(present("h1", HealthStatus.HEALTHY), NOW))
        .get()
        .satisfies(h -> assertThat(h.previous()).isNull());
  }

  @Test
  void aHealthKafkaDidNotTakeIsReportedAgainAtTheNextSighting() {
    ledger.recordHealth(present("h1", HealthStatus.DEGRADED), NOW);

    ledger.forgetHealth(KEY, HealthStatus.DEGRADED);

    assertThat(ledger.recordHealth(present("h1", HealthStatus.DEGRADED), NOW)).isPresent();
  }

  private static Observation failure() {
    return new Observation.Failed(KEY, FailureReason.FORBIDDEN, "no", 403, false);
  }

  private static Observation.Present present(String hash, HealthStatus status) {
    return new Observation.Present(
        KEY,
        "1",
        JsonNodeFactory.instance.objectNode(),
        hash,
        false,
        null,
        new Health(status, "Test", ""));
  }

  private static Observation.Present present(String hash) {
    return new Observation.Present(KEY, "1", JsonNodeFactory.instance.objectNode(), hash, false);
  }

  private static Observation.Present present(String hash, String uid) {
    return new Observation.Present(
        KEY, "1", JsonNodeFactory.instance.objectNode(), hash, false, uid, Health.AWS_EXISTS);
  }
}
