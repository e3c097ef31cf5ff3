package dev.opsledger.notifier.channel;

import java.time.Duration;

/**
 * A delivery attempt did not succeed. Its message never holds a webhook URL, token or signing
 * secret: channels build it from the status and a masked excerpt of the answer only.
 */
public abstract sealed class DeliveryException extends Exception
    permits DeliveryException.Retryable, DeliveryException.Terminal {

  private static final long serialVersionUID = 1L;

  DeliveryException(String message) {
    super(message, null, false, false);
  }

  /** Worth trying again: timeouts, refused connections, 408, 429, 5xx. */
  public static final class Retryable extends DeliveryException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    /** A retryable failure; {@code retryAfter} is the server's hint or {@code null}. */
    public Retryable(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    /** The server's {@code Retry-After}, or {@code null}. */
    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** Trying again cannot help: a 4xx such as a revoked token or a deleted webhook. */
  public static final class Terminal extends DeliveryException {
    private static final long serialVersionUID = 1L;

    /** A terminal failure. */
    public Terminal(String message) {
      super(message);
    }
  }
}
