package dev.opsledger.applier.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.applier.apply.Failure;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class KubernetesFailuresTest {

  @Test
  void anImmutableFieldNeedsReplaceAndIsTerminal() {
    Failure f =
        KubernetesFailures.classify(
            422,
            "Invalid",
            "Job.batch \"x\" is invalid: spec.template: Invalid value: ...: field is immutable");
    assertThat(f).isInstanceOf(Failure.Terminal.class);
    assertThat(f.reason()).isEqualTo("NeedsReplace");
  }

  @Test
  void invalidAndBadRequestsAreTerminal() {
    assertThat(KubernetesFailures.classify(422, "Invalid", "spec.replicas: Invalid value"))
        .isEqualTo(new Failure.Terminal("Invalid", "spec.replicas: Invalid value", 422));
    assertThat(KubernetesFailures.classify(400, "BadRequest", "bad"))
        .isInstanceOf(Failure.Terminal.class);
  }

  @Test
  void missingNamespacesConflictsThrottlingAndServerErrorsAreRetryable() {
    assertThat(KubernetesFailures.classify(404, "NotFound", "namespaces \"x\" not found").reason())
        .isEqualTo("NotFound");
    assertThat(KubernetesFailures.classify(409, "Conflict", "Apply failed with 1 conflict"))
        .isInstanceOf(Failure.Retryable.class);
    assertThat(KubernetesFailures.classify(429, "TooManyRequests", "slow down").reason())
        .isEqualTo("Throttled");
    assertThat(KubernetesFailures.classify(503, "ServiceUnavailable", "etcd"))
        .isInstanceOf(Failure.Retryable.class);
    assertThat(KubernetesFailures.classify(0, null, "Connection refused"))
        .isEqualTo(new Failure.Retryable("Unreachable", "Connection refused", null));
    assertThat(KubernetesFailures.classify(-1, null, "The timeout period of 30000ms has been"))
        .isInstanceOf(Failure.Retryable.class);
    assertThat(KubernetesFailures.classify(408, "Timeout", "request timed out").reason())
        .isEqualTo("Timeout");
  }

  @Test
  void recognisesConnectionProblemsInTheCauseChain() {
    assertThat(
            KubernetesFailures.isConnectionProblem(
                new RuntimeException("x", new IOException("y", new ConnectException("refused")))))
        .isTrue();
    assertThat(KubernetesFailures.isConnectionProblem(new IllegalStateException("x"))).isFalse();
  }
}
