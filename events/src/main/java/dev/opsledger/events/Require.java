package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;

/** Argument checks shared by the records' compact constructors. */
final class Require {

  private Require() {}

  static String text(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  static <T> T present(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  /** A revision sequence: absent (an event from before sequences), or 1 and up. */
  static Long sequence(Long value) {
    if (value != null && value < 1) {
      throw new IllegalArgumentException("sequence must be 1 or more, not " + value);
    }
    return value;
  }

  /**
   * A required JSON value. Jackson hands a JSON {@code null} to a {@link JsonNode} parameter as a
   * {@code NullNode}, not as {@code null}, so {@link #present} alone would let {@code "live": null}
   * through.
   */
  static <T extends JsonNode> T node(String field, T value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}
