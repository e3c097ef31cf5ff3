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
