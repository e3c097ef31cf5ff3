package dev.opsledger.applier.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/approvals}: {@code {"resource": "<key>", "revision": "<sha>",
 * "reason": "…"}}, or {@code "sourceId"} and {@code "revision"} to approve every resource of a
 * revision. Read strictly: the revision is required (an approval approves one revision, named when
 * it is requested), and any other field is refused, {@code approvedBy} above all: the approver is
 * the identity of the bearer token, which the body cannot forge.
 */
final class ApprovalRequest {

  private static final Set<String> FIELDS = Set.of("resource", "sourceId", "revision", "reason");
  private static final int MAX_REVISION = 200;
  private static final int MAX_REASON = 2000;

  private ApprovalRequest() {}

  /**
   * Reads the body into the approval of {@code approver}.
   *
   * @throws IllegalArgumentException with a message for the client when the body is refused
   */
  static SyncApproved read(String body, Person approver, Instant now) {
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
      if (name.equals("approvedBy")) {
        throw new IllegalArgumentException(
            "approvedBy is not accepted: the approver is the identity of the bearer token");
      }
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + shorten(name)
                + "'; accepted: resource, sourceId, revision, reason");
      }
    }
    String resource = text(json, "resource", 1000);
    String sourceId = text(json, "sourceId", 253);
    String revision = text(json, "revision", MAX_REVISION);
    if (revision == null) {
      throw new IllegalArgumentException(
          "revision is required: an approval approves one revision, the one you reviewed");
    }
    if (!revision.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException("revision must be printable ASCII without spaces");
    }
    if (resource == null && sourceId == null) {
      throw new IllegalArgumentException("name a resource, or a sourceId to approve its revision");
    }
    ResourceKey key = resource == null ? null : ResourceKey.parse(resource);
    return new SyncApproved(
        key, sourceId, revision, approver, text(json, "reason", MAX_REASON), now);
  }

  private static String text(JsonNode json, String field, int max) {
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

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
