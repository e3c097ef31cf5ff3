package dev.opsledger.collector.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.collector.observe.FailureReason;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ApiFailuresTest {

  @Test
  void aForbiddenListIsForbiddenAndNotTransient() {
    var c =
        ApiFailures.classify(
            new CompletionException(
                new KubernetesClientException(
                    new StatusBuilder()
                        .withCode(403)
                        .withMessage("secrets is forbidden: User cannot list")
                        .build())));

    assertThat(c.reason()).isEqualTo(FailureReason.FORBIDDEN);
    assertThat(c.httpStatus()).isEqualTo(403);
    assertThat(c.message()).isEqualTo("secrets is forbidden: User cannot list");
    assertThat(c.transientFailure()).isFalse();
  }

  @Test
  void aMissingResourceIsAnUnknownKind() {
    var c = ApiFailures.classify(new KubernetesClientException("not found", 404, null));

    assertThat(c.reason()).isEqualTo(FailureReason.UNKNOWN_KIND);
    assertThat(c.transientFailure()).isFalse();
  }

  @Test
  void aRefusedConnectionIsUnreachableAndTransient() {
    var c =
        ApiFailures.classify(
            new KubernetesClientException("boom", new ConnectException("Connection refused")));

    assertThat(c.reason()).isEqualTo(FailureReason.UNREACHABLE);
    assertThat(c.transientFailure()).isTrue();
  }

  @Test
  void throttlingIsTransient() {
    var c = ApiFailures.classify(new KubernetesClientException("slow down", 429, null));

    assertThat(c.reason()).isEqualTo(FailureReason.THROTTLED);
    assertThat(c.transientFailure()).isTrue();
  }
}
