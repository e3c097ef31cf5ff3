package dev.opsledger.notifier.once;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  final Backoff backoff = new Backoff(4, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5));

  @Test
  void growsExponentiallyUpToTheMaximum() {
    assertThat(backoff.delayAfter(1, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayAfter(2, null)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delayAfter(3, null)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delayAfter(4, null)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aLongerRetryAfterWinsButIsCapped() {
    assertThat(backoff.delayAfter(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.delayAfter(1, Duration.ofMinutes(3))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void stopsAfterTheLastAttempt() {
    assertThat(backoff.retriesAfter(3)).isTrue();
    assertThat(backoff.retriesAfter(4)).isFalse();
  }
}
