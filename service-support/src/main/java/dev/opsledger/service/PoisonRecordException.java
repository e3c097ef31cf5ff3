package dev.opsledger.service;

import dev.opsledger.events.EventDecodingException;

/**
 * A consumed record that can never be processed. Thrown from a stream function, it makes the binder
 * send the record to the topic's {@code .dlq} at once (it is configured as not retryable) with the
 * reason in the {@code x-exception-message} header; the consumer goes on with the next record.
 */
public class PoisonRecordException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A record that could not be decoded. */
  public PoisonRecordException(EventDecodingException cause) {
    super(cause.getMessage(), cause);
  }

  /** A record that decoded but cannot be handled, e.g. a type this consumer must not receive. */
  public PoisonRecordException(String message) {
    super(message);
  }
}
