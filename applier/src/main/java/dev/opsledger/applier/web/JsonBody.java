package dev.opsledger.applier.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import java.util.Iterator;
import java.util.Set;

/**
 * A management API request body: a JSON object of known fields whose text values are bounded. Who
 * asks is never read from it: it is the bearer token's identity, so a field claiming it is refused.
 */
final class JsonBody {

  private final JsonNode json;

  private JsonBody(JsonNode json) {
    this.json = json;
  }

  /**
   * Parses {@code body}.
   *
   * @param fields the accepted fields
   * @param identityField the field a client might use to claim who asks, refused by name
   * @param accepted the accepted fields as the error message lists them
   * @throws IllegalArgumentException with a message for the client when the body is refused
   */
  static JsonBody parse(String body, Set<String> fields, String identityField, String accepted) {
    JsonNode json;
    try {
      json = EventJson.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON");
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equals(identityField)) {
        throw new IllegalArgumentException(
            identityField + " is not accepted: who asks is the identity of the bearer token");
      }
      if (!fields.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + (name.length() <= 40 ? name : name.substring(0, 40) + "…")
                + "'; accepted: "
                + accepted);
      }
    }
    return new JsonBody(json);
  }

  /**
   * A text field, stripped; {@code null} when absent, JSON null or blank.
   *
   * @throws IllegalArgumentException when it is not a string or longer than {@code max}
   */
  String text(String field, int max) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    String s = v.asText().strip();
    if (s.length() > max) {
      throw new IllegalArgumentException(field + " is longer than " + max + " characters");
    }
    return s.isEmpty() ? null : s;
  }
}
