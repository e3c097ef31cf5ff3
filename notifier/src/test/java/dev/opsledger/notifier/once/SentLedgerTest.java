package dev.opsledger.notifier.once;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.notifier.Fixtures.MutableClock;
import dev.opsledger.notifier.once.SentLedger.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SentLedgerTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
  final SentLedger ledger = new SentLedger(Duration.ofMinutes(5), 1000);

  @Test
  void theSameTriggerIsNotifiedOncePerChannel() {
    assertThat(ledger.decideWindow("e1", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.SEND);
    assertThat(ledger.decideWindow("e1", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.ALREADY_NOTIFIED);
    ledger.sent("e1", "ops", "web|drifted", clock.instant());
    clock.advance(Duration.ofHours(1));
    assertThat(ledger.decideWindow("e1", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.ALREADY_NOTIFIED);
    assertThat(ledger.decideWindow("e1", "oncall", "web|drifted", clock.instant()))
        .isEqualTo(Decision.SEND);
  }

  @Test
  void theSameSubjectAndStateIsSuppressedWithinTheWindowOnly() {
    assertThat(ledger.decideWindow("e1", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.SEND);
    ledger.sent("e1", "ops", "web|drifted", clock.instant());

    clock.advance(Duration.ofMinutes(4));
    assertThat(ledger.decideWindow("e2", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.DEDUPLICATED);
    assertThat(ledger.decideWindow("e3", "ops", "web|in-sync", clock.instant()))
        .isEqualTo(Decision.SEND);

    clock.advance(Duration.ofMinutes(2));
    assertThat(ledger.decideWindow("e4", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.SEND);
  }

  @Test
  void aFailureReleasesTheWindowSoTheNextTriggerTries() {
    ledger.decideWindow("e1", "ops", "web|drifted", clock.instant());
    ledger.failed("e1", "ops", "web|drifted");
    assertThat(ledger.notified("e1", "ops")).isTrue();
    assertThat(ledger.decideWindow("e2", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.SEND);
  }

  @Test
  void commitStatusesArePostedOnlyWhenTheStateChanges() {
    assertThat(ledger.decideChange("e1", "gh", "shop@r1", "pending")).isEqualTo(Decision.SEND);
    assertThat(ledger.decideChange("e2", "gh", "shop@r1", "pending"))
        .isEqualTo(Decision.DEDUPLICATED);
    assertThat(ledger.decideChange("e3", "gh", "shop@r1", "success")).isEqualTo(Decision.SEND);
    assertThat(ledger.isCurrent("gh", "shop@r1", "pending")).isFalse();
    assertThat(ledger.decideChange("e4", "gh", "shop@r1", "pending")).isEqualTo(Decision.SEND);
  }

  @Test
  void whatTheLogSaysWasSentRestoresTriggersWindowAndStatus() {
    ledger.sent("e1", "ops", "web|drifted", clock.instant());
    ledger.sent("e2", "gh", "shop@r1|success", clock.instant());

    assertThat(ledger.decideWindow("e1", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.ALREADY_NOTIFIED);
    assertThat(ledger.decideWindow("e9", "ops", "web|drifted", clock.instant()))
        .isEqualTo(Decision.DEDUPLICATED);
    assertThat(ledger.decideChange("e8", "gh", "shop@r1", "success"))
        .isEqualTo(Decision.DEDUPLICATED);
  }
}
