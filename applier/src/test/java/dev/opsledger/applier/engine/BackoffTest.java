package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromFiveSecondsToThreeMinutes() {
    Backoff b = new Backoff(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(3), 0);
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.delayAfter(6)).isEqualTo(Duration.ofSeconds(160));
    assertThat(b.delayAfter(7)).isEqualTo(Duration.ofMinutes(3));
    assertThat(b.delayAfter(100)).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void retriesForeverUnlessLimited() {
    assertThat(new Backoff(Duration.ZERO, 2, Duration.ZERO, 0).mayRetryAfter(1_000)).isTrue();
    Backoff three = new Backoff(Duration.ZERO, 2, Duration.ZERO, 3);
    assertThat(three.mayRetryAfter(2)).isTrue();
    assertThat(three.mayRetryAfter(3)).isFalse();
  }
}
