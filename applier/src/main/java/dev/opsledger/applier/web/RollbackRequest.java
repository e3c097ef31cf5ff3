package dev.opsledger.applier.web;

import dev.opsledger.applier.rollback.RollbackTarget;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/rollbacks}: {@code {"sourceId": "<id>"}} or {@code {"resource":
 * "<key>"}}, with {@code "revision": "<sha or prefix>"} or {@code "at": "<RFC 3339 time>"}, and
 * {@code "reason"}. Read strictly, as approvals are: any other field is refused, {@code
 * requestedBy} above all (who asked is the identity of the bearer token).
 *
 * @param target what to roll back, and to what
 * @param reason why, as they said it ({@code ""} when not given)
 */
record RollbackRequest(RollbackTarget target, String reason) {

  private static final Set<String> FIELDS =
      Set.of("resource", "sourceId", "revision", "at", "reason");

  /**
   * Reads the body.
   *
   * @throws IllegalArgumentException with a message for the client when the body is refused
   */
  static RollbackRequest read(String body) {
    JsonBody json =
        JsonBody.parse(body, FIELDS, "requestedBy", "sourceId or resource, revision or at, reason");
    String resource = json.text("resource", 1000);
    String sourceId = json.text("sourceId", 253);
    String revision = json.text("revision", 200);
    String at = json.text("at", 64);
    if ((resource == null) == (sourceId == null)) {
      throw new IllegalArgumentException(
          "name a sourceId or a resource to roll back (one of them)");
    }
    if ((revision == null) == (at == null)) {
      throw new IllegalArgumentException(
          "name the revision to roll back to, or the time (at) whose revision it is (one of them)");
    }
    if (revision != null && !revision.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException("revision must be printable ASCII without spaces");
    }
    Instant time = null;
    if (at != null) {
      try {
        time = Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "at must be an RFC 3339 time, e.g. 2026-11-27T10:00:00Z");
      }
    }
    ResourceKey key = resource == null ? null : ResourceKey.parse(resource);
    String reason = json.text("reason", 2000);
    return new RollbackRequest(
        new RollbackTarget(sourceId, key, revision, time), reason == null ? "" : reason);
  }
}
