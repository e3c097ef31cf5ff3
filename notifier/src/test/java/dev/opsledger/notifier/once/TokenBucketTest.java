package dev.opsledger.notifier.once;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.notifier.Fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));

  @Test
  void allowsABurstThenRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(2, 0.5, clock);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
    assertThat(bucket.untilNext()).isEqualTo(Duration.ofSeconds(2));

    clock.advance(Duration.ofSeconds(1));
    assertThat(bucket.tryTake()).isFalse();
    assertThat(bucket.untilNext()).isEqualTo(Duration.ofSeconds(1));

    clock.advance(Duration.ofSeconds(1));
    assertThat(bucket.tryTake()).isTrue();
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    TokenBucket bucket = new TokenBucket(1, 10, clock);
    clock.advance(Duration.ofHours(1));
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
  }
}
