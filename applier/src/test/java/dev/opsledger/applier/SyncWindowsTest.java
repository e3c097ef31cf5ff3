package dev.opsledger.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.applier.policy.SyncWindows.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sync windows as configured (Spring cron expressions, parsed at start), decided at given times:
 * the decision is pure, so any clock serves.
 */
class SyncWindowsTest {

  static ApplierProperties.Window window(String kind, String cron, String duration, String zone) {
    return new ApplierProperties.Window(kind, cron, Duration.parse(duration), zone);
  }

  static SyncWindows of(ApplierProperties.Window... windows) {
    return ApplierConfiguration.windowsOf(
        "shop",
        new ApplierProperties.SourcePolicy(
            true, false, true, false, true, true, false, List.of(windows), List.of()));
  }

  static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void withoutWindowsApplyAlwaysGoes() {
    assertThat(of().verdict(at("2026-03-01T03:00:00Z")).open()).isTrue();
  }

  @Test
  void anAllowWindowLetsApplyGoOnlyInsideIt() {
    SyncWindows nightly = of(window("allow", "0 0 22 * * *", "PT2H", "UTC"));

    assertThat(nightly.verdict(at("2026-03-01T22:00:00Z")).open()).isTrue();
    assertThat(nightly.verdict(at("2026-03-01T23:59:59Z")).open()).isTrue();
    Verdict closed = nightly.verdict(at("2026-03-02T00:00:00Z"));
    assertThat(closed.open()).isFalse();
    assertThat(closed.reason()).isEqualTo("outside every allow window of the source");
    assertThat(closed.opensAt()).isEqualTo(at("2026-03-02T22:00:00Z"));
  }

  @Test
  void aDenyWindowWinsOverAnOpenAllowWindowAndSaysWhenApplyResumes() {
    SyncWindows windows =
        of(
            window("allow", "0 0 0 * * *", "PT24H", "UTC"),
            window("deny", "0 0 9 * * MON-FRI", "PT8H", "Europe/Paris"));

    // Monday 2 March 2026, 09:30 in Paris is 08:30 UTC.
    Verdict v = windows.verdict(at("2026-03-02T08:30:00Z"));
    assertThat(v.open()).isFalse();
    assertThat(v.reason())
        .isEqualTo("inside the deny window deny \"0 0 9 * * MON-FRI\" for PT8H (Europe/Paris)");
    assertThat(v.opensAt()).isEqualTo(at("2026-03-02T16:00:00Z"));
    assertThat(windows.verdict(at("2026-03-07T10:00:00Z")).open()).as("Saturday").isTrue();
  }

  @Test
  void overlappingDenyWindowsOpenOnlyWhenTheLastOneEnds() {
    SyncWindows windows =
        of(
            window("deny", "0 0 8 * * *", "PT2H", "UTC"),
            window("deny", "0 0 9 * * *", "PT3H", "UTC"));

    assertThat(windows.verdict(at("2026-03-02T08:30:00Z")).opensAt())
        .isEqualTo(at("2026-03-02T12:00:00Z"));
  }

  @Test
  void aBadWindowStopsTheApplierAtStartNamingWhereItIs() {
    assertThatThrownBy(() -> of(window("allow", "every night", "PT1H", "UTC")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("opsledger.applier.sources.shop.windows[0]: ");
    assertThatThrownBy(() -> of(window("sometimes", "0 0 22 * * *", "PT1H", "UTC")))
        .hasMessageStartingWith("opsledger.applier.sources.shop.windows[0]: ");
    assertThatThrownBy(() -> of(window("deny", "0 0 22 * * *", "PT1H", "Mars/Olympus")))
        .hasMessageStartingWith("opsledger.applier.sources.shop.windows[0]: ");
    assertThatThrownBy(() -> of(window("deny", "0 0 22 * * *", "PT0S", "UTC")))
        .hasMessageStartingWith("opsledger.applier.sources.shop.windows[0]: ");
  }
}
