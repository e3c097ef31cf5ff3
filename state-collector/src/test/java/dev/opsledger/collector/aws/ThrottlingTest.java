package dev.opsledger.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class ThrottlingTest {

  private final List<Duration> waits = new ArrayList<>();
  private final Throttling throttling = new Throttling(Duration.ofMillis(100), 4, waits::add);

  @Test
  void retriesAThrottledCallWithExponentialBackoff() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        throttling.call(
            "ListQueues",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw throttled();
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    assertThatThrownBy(
            () ->
                throttling.call(
                    "ListQueues",
                    () -> {
                      throw throttled();
                    }))
        .isInstanceOf(Throttling.ThrottledException.class)
        .hasMessageContaining("4 times");
    assertThat(waits).hasSize(3);
  }

  @Test
  void doesNotRetryOtherFailures() {
    AwsServiceException denied =
        AwsServiceException.builder()
            .statusCode(403)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build())
            .build();

    assertThatThrownBy(
            () ->
                throttling.call(
                    "GetRole",
                    () -> {
                      throw denied;
                    }))
        .isSameAs(denied);
    assertThat(waits).isEmpty();
  }

  private static AwsServiceException throttled() {
    return AwsServiceException.builder()
        .statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build())
        .build();
  }
}
