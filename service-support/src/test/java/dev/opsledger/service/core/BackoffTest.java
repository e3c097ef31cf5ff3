package dev.opsledger.service.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheInitialDelayUpToTheMaximum() {
    Backoff b = new Backoff(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(3), 0);
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.delayAfter(6)).isEqualTo(Duration.ofSeconds(160));
    assertThat(b.delayAfter(7)).isEqualTo(Duration.ofMinutes(3));
    assertThat(b.delayAfter(10_000)).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void aMultiplierOfOneWaitsTheSameEveryTime() {
    Backoff b = new Backoff(Duration.ofMillis(300), 1.0, Duration.ofSeconds(1), 0);
    assertThat(b.delayAfter(1)).isEqualTo(b.delayAfter(50)).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aLongerRetryAfterWinsButIsStillCapped() {
    Backoff b = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5), 4);
    assertThat(b.delayAfter(1, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delayAfter(1, Duration.ofMillis(10))).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delayAfter(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(b.delayAfter(1, Duration.ofMinutes(3))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void retriesForeverWhenMaxAttemptsIsZero() {
    assertThat(new Backoff(Duration.ZERO, 2, Duration.ZERO, 0).retriesAfter(1_000_000)).isTrue();
  }

  @Test
  void stopsAfterTheLastOfMaxAttempts() {
    Backoff three = new Backoff(Duration.ZERO, 2, Duration.ZERO, 3);
    assertThat(three.retriesAfter(1)).isTrue();
    assertThat(three.retriesAfter(2)).isTrue();
    assertThat(three.retriesAfter(3)).isFalse();
  }

  @Test
  void refusesSettingsThatCannotBackOff() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Backoff(s.negated(), 2, s, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(s, 0.5, s, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(s, Double.NaN, s, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(s.multipliedBy(2), 2, s, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(s, 2, s, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
