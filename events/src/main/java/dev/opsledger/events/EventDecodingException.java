package dev.opsledger.events;

import java.util.List;

/**
 * A record that cannot be read as an OpsLedger event. It carries the raw bytes and headers so the
 * consumer can send the record to its dead-letter topic unchanged, with the reason.
 */
public final class EventDecodingException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a record could not be read. */
  public enum Reason {
    /** A required CloudEvents header is absent or not of the supported spec version. */
    MISSING_HEADER,
    /** The {@code ce_type} is not an OpsLedger event type. */
    UNKNOWN_TYPE,
    /** The schema version is newer than this reader, or no upcaster leads from it. */
    UNSUPPORTED_VERSION,
    /** The body is not JSON. */
    NOT_JSON,
    /** The body is JSON but does not make a valid event of its type. */
    INVALID_BODY
  }

  private final Reason reason;
  private final transient List<EventHeader> headers;
  private final byte[] rawValue;

  /** Creates the exception; {@code cause} may be {@code null}. */
  public EventDecodingException(
      Reason reason, String message, List<EventHeader> headers, byte[] rawValue, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
    this.headers = List.copyOf(headers);
    this.rawValue = rawValue == null ? new byte[0] : rawValue.clone();
  }

  /** Why the record could not be read. */
  public Reason reason() {
    return reason;
  }

  /** The record's headers, as received. */
  public List<EventHeader> headers() {
    return headers;
  }

  /** The record's value, as received (empty for a null value). */
  public byte[] rawValue() {
    return rawValue.clone();
  }
}
