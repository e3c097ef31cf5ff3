package dev.opsledger.service.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseSettingsTest {

  @Test
  void replicasWatchingTheSameThingsShareALeaseWhateverTheOrder() {
    LeaseSettings s = LeaseSettings.DEFAULTS;

    assertThat(s.leaseName("git-watcher", List.of("web", "infra")))
        .isEqualTo(s.leaseName("git-watcher", List.of("infra", "web")))
        .startsWith("git-watcher-")
        .hasSize("git-watcher-".length() + 12);
  }

  @Test
  void deploymentsWatchingDifferentThingsGetDifferentLeases() {
    LeaseSettings s = LeaseSettings.DEFAULTS;

    assertThat(s.leaseName("git-watcher", List.of("web")))
        .isNotEqualTo(s.leaseName("git-watcher", List.of("infra")));
    assertThat(s.leaseName("state-collector", List.of())).isEqualTo("state-collector");
  }

  @Test
  void aConfiguredNameWins() {
    LeaseSettings s = new LeaseSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1), "cw");

    assertThat(s.leaseName("git-watcher", List.of("web"))).isEqualTo("cw");
  }

  @Test
  void refusesANameKafkaCannotUseAndAHeartbeatTooSlowForTheSession() {
    assertThatThrownBy(
            () -> new LeaseSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1), "a:b"))
        .hasMessageContaining("lease.name");
    assertThatThrownBy(
            () -> new LeaseSettings(true, Duration.ofSeconds(6), Duration.ofSeconds(3), ""))
        .hasMessageContaining("heartbeat-interval");
  }
}
