package dev.opsledger.kafka;

/** The Kafka cluster did not answer or did not get ready in time: a transient condition. */
public class KafkaUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
