package dev.opsledger.applier.web;

import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import java.time.Instant;
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
    JsonBody json =
        JsonBody.parse(body, FIELDS, "approvedBy", "resource, sourceId, revision, reason");
    String resource = json.text("resource", 1000);
    String sourceId = json.text("sourceId", 253);
    String revision = json.text("revision", MAX_REVISION);
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
        key, sourceId, revision, approver, json.text("reason", MAX_REASON), now);
  }
}
