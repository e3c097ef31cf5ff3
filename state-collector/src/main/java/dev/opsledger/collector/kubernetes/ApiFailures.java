package dev.opsledger.collector.kubernetes;

import dev.opsledger.collector.observe.FailureReason;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies what fabric8 throws into a {@link FailureReason}. */
final class ApiFailures {

  private ApiFailures() {}

  /**
   * A classified failure.
   *
   * @param reason the reason
   * @param message a short message (the API's status message or the exception's)
   * @param httpStatus the HTTP status, or {@code null}
   */
  record Classified(FailureReason reason, String message, Integer httpStatus) {

    /** Whether trying again later may help without anyone changing anything. */
    boolean transientFailure() {
      return reason == FailureReason.UNREACHABLE
          || reason == FailureReason.THROTTLED
          || reason == FailureReason.ERROR;
    }
  }

  /** Classifies {@code error}. */
  static Classified classify(Throwable error) {
    Throwable t = unwrap(error);
    KubernetesClientException k8s = find(t, KubernetesClientException.class);
    if (k8s != null && k8s.getCode() > 0) {
      int code = k8s.getCode();
      String message =
          k8s.getStatus() != null && k8s.getStatus().getMessage() != null
              ? k8s.getStatus().getMessage()
              : firstLine(k8s.getMessage());
      FailureReason reason =
          switch (code) {
            case 401, 403 -> FailureReason.FORBIDDEN;
            case 404 -> FailureReason.UNKNOWN_KIND;
            case 429 -> FailureReason.THROTTLED;
            default -> FailureReason.ERROR;
          };
      return new Classified(reason, message, code);
    }
    if (find(t, ConnectException.class) != null || find(t, IOException.class) != null) {
      return new Classified(FailureReason.UNREACHABLE, "the API server cannot be reached", null);
    }
    return new Classified(FailureReason.ERROR, firstLine(String.valueOf(t.getMessage())), null);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
