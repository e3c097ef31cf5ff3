package dev.opsledger.collector.observe;

/**
 * Why something could not be observed; {@link #code()} is what {@code ObservationFailed} carries.
 */
public enum FailureReason {
  /** The API refused (HTTP 403): the collector's identity may not read this. */
  FORBIDDEN("Forbidden"),
  /** The kind is not served by the API (not in discovery, HTTP 404 on list). */
  UNKNOWN_KIND("UnknownKind"),
  /**
   * The object could not be turned into canonical JSON (e.g. a Secret value that is not base64).
   */
  UNSERIALIZABLE("Unserializable"),
  /** The API kept throttling after the backoff was exhausted. */
  THROTTLED("Throttled"),
  /** The API could not be reached. */
  UNREACHABLE("Unreachable"),
  /** Any other failure. */
  ERROR("Error");

  private final String code;

  FailureReason(String code) {
    this.code = code;
  }

  /** The short code written into the event. */
  public String code() {
    return code;
  }
}
