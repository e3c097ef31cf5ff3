package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.util.backoff.BackOffExecution;

class ConsumerRetriesTest {

  @Test
  void backsOffFromHalfASecondDoublingToThirtySecondsAndNeverGivesUp() {
    var properties = new ExtendedConsumerProperties<>(new KafkaConsumerProperties());
    properties.setBackOffInitialInterval(500);
    properties.setBackOffMultiplier(2.0);
    properties.setBackOffMaxInterval(30_000);
    // What opsledger-defaults.properties sets: only so that the binder hands retries over.
    properties.setMaxAttempts(2);

    BackOffExecution execution =
        new ConsumerRetries.Unbounded(ConsumerRetries.policyOf(properties)).start();

    assertThat(execution.nextBackOff()).isEqualTo(500);
    assertThat(execution.nextBackOff()).isEqualTo(1_000);
    assertThat(execution.nextBackOff()).isEqualTo(2_000);
    long last = 0;
    // A day and a half of attempts 30 s apart: still retrying.
    for (int i = 0; i < 5_000; i++) {
      last = execution.nextBackOff();
      assertThat(last).isNotEqualTo(BackOffExecution.STOP);
    }
    assertThat(last).isEqualTo(30_000);
  }
}
