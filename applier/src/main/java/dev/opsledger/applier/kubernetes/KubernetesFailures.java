package dev.opsledger.applier.kubernetes;

import dev.opsledger.applier.apply.Failure;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;

/**
 * Classifies Kubernetes API errors. Pure.
 *
 * <ul>
 *   <li>terminal: {@code field is immutable} (any status) → {@code NeedsReplace}; 400 → {@code
 *       BadRequest}; 422 → {@code Invalid}; 415 and other 4xx not listed below;
 *   <li>retryable: no response (connection refused, a request that timed out: the client gives no
 *       status, 0 or -1) → {@code Unreachable}; 401/403 (RBAC may be fixed); 404 (namespace or CRD
 *       not there yet) → {@code NotFound}; 408 → {@code Timeout}; 409 → {@code Conflict}; 410; 429
 *       → {@code Throttled}; 5xx → {@code ServerError}.
 * </ul>
 */
public final class KubernetesFailures {

  private KubernetesFailures() {}

  /**
   * The failure of a call.
   *
   * @param code the HTTP status, 0 or negative when there was no response
   * @param reason the {@code Status.reason}, may be {@code null}
   * @param message the API's message
   */
  public static Failure classify(int code, String reason, String message) {
    String text = message == null ? "" : message;
    if (text.toLowerCase(Locale.ROOT).contains("field is immutable")) {
      return new Failure.Terminal("NeedsReplace", text, code == 0 ? null : code);
    }
    if (code <= 0) {
      // fabric8 gives -1 for a request its client timed out (the API server did not answer in
      // time): as transient as a refused connection. 10,000 objects on a loaded emulator met it.
      return new Failure.Retryable("Unreachable", text, null);
    }
    switch (code) {
      case 400:
        return new Failure.Terminal("BadRequest", text, code);
      case 401:
        return new Failure.Retryable("Unauthorized", text, code);
      case 403:
        return new Failure.Retryable("Forbidden", text, code);
      case 404:
        return new Failure.Retryable("NotFound", text, code);
      case 409:
        return new Failure.Retryable("Conflict", text, code);
      case 408:
        return new Failure.Retryable("Timeout", text, code);
      case 410:
        return new Failure.Retryable("Gone", text, code);
      case 422:
        return new Failure.Terminal("Invalid", text, code);
      case 429:
        return new Failure.Retryable("Throttled", text, code);
      default:
        if (code >= 500) {
          return new Failure.Retryable("ServerError", text, code);
        }
        return new Failure.Terminal(
            reason == null || reason.isBlank() ? "Rejected" : reason, text, code);
    }
  }

  /** Whether the throwable (or a cause) is a connection problem rather than an API answer. */
  public static boolean isConnectionProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof IOException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
