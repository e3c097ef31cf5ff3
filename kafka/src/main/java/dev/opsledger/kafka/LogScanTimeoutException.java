package dev.opsledger.kafka;

/**
 * A {@link LogScan} did not reach the end it fixed at start before its deadline: the log is slow or
 * does not answer. Transient, like every {@link KafkaUnavailableException}: the caller retries
 * later, refuses to start, or goes on without what the scan would have told it, but never treats a
 * partial read as complete.
 */
public final class LogScanTimeoutException extends KafkaUnavailableException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public LogScanTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
