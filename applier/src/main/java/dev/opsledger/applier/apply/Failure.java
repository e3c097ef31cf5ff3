package dev.opsledger.applier.apply;

/**
 * Why an apply step failed; terminal and retryable failures are different types because they are
 * handled differently: a terminal one is recorded and never retried, a retryable one goes back to
 * the retry scheduler with backoff.
 */
public sealed interface Failure permits Failure.Terminal, Failure.Retryable {

  /** A short code, e.g. {@code Invalid}, {@code NeedsReplace}, {@code Unreachable}. */
  String reason();

  /** The API's message, secrets removed. */
  String message();

  /** The HTTP status of the failed call, or {@code null}. */
  Integer httpStatus();

  /**
   * Retrying cannot help: the manifest is invalid, or a field that cannot change changed (needs
   * replace).
   */
  record Terminal(String reason, String message, Integer httpStatus) implements Failure {}

  /**
   * The call may succeed later: unreachable, throttled, conflict, namespace or CRD not there yet.
   */
  record Retryable(String reason, String message, Integer httpStatus) implements Failure {}
}
