package dev.opsledger.kafka;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * The cluster refused OpsLedger's credentials (authentication failed) or its ACLs deny an
 * operation: a configuration error, not an outage, so retrying cannot help and the message says
 * which client properties to check.
 */
public class KafkaAccessDeniedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public KafkaAccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The access failure somewhere in {@code error}'s causes, as this exception, or {@code null} when
   * there is none.
   *
   * @param doing what was attempted, e.g. {@code "creating topics"}
   */
  public static KafkaAccessDeniedException find(Throwable error, String doing) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KafkaAccessDeniedException denied) {
        return denied;
      }
      if (t instanceof AuthenticationException) {
        return new KafkaAccessDeniedException(
            "Kafka authentication failed while "
                + doing
                + ": "
                + t.getMessage()
                + " (check the client properties: security.protocol, sasl.mechanism,"
                + " sasl.jaas.config)",
            t);
      }
      if (t instanceof AuthorizationException) {
        return new KafkaAccessDeniedException(
            "Kafka denied "
                + doing
                + ": "
                + t.getMessage()
                + " (authorization failed: check the user's ACLs)",
            t);
      }
    }
    return null;
  }

  /** Throws the access failure in {@code error}'s causes, if there is one. */
  public static void rethrow(Throwable error, String doing) {
    KafkaAccessDeniedException denied = find(error, doing);
    if (denied != null) {
      throw denied;
    }
  }
}
