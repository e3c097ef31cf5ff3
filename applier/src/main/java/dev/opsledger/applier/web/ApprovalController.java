package dev.opsledger.applier.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/approvals} with {@code {"resource": "<key>", "revision": "<sha>",
 * "approvedBy": "Name <email>", "reason": "…"}} (or {@code "sourceId"} and {@code "revision"}
 * instead of {@code "resource"}, to approve every resource of a revision) writes a {@code
 * SyncApproved} to {@code opsledger.approvals} and answers 202 with its id once Kafka has it. The
 * applier acts on the event, not on the request, so approvals from the CLI and from here are the
 * same.
 *
 * <p>The body is read with OpsLedger's Jackson 2 mapper (Spring MVC's own is Jackson 3).
 */
@RestController
public class ApprovalController {

  private final EventPublisher publisher;
  private final String source;
  private final Duration timeout;

  /** A controller writing through this publisher. */
  public ApprovalController(EventPublisher publisher, String source, Duration timeout) {
    this.publisher = publisher;
    this.source = source;
    this.timeout = timeout;
  }

  /** Records an approval. */
  @PostMapping(
      path = "/api/v1/approvals",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<String> approve(@RequestBody String body) {
    SyncApproved approval;
    try {
      approval = read(EventJson.mapper().readTree(body));
    } catch (JsonProcessingException e) {
      return error(400, "the body is not JSON");
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    String correlation = approval.revision() == null ? "" : approval.revision();
    EventEnvelope<SyncApproved> event = EventEnvelope.create(source, correlation, approval);
    try {
      publisher.publishAndWait(event, timeout);
    } catch (EventPublisher.PublishFailedException e) {
      return error(503, "Kafka did not accept the approval; try again");
    }
    return ResponseEntity.accepted()
        .contentType(MediaType.APPLICATION_JSON)
        .body(EventJson.mapper().createObjectNode().put("id", event.id()).toString());
  }

  private static SyncApproved read(JsonNode json) {
    if (!json.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    String resource = text(json, "resource");
    String approvedBy = text(json, "approvedBy");
    if (approvedBy == null) {
      throw new IllegalArgumentException("approvedBy is required");
    }
    return new SyncApproved(
        resource == null ? null : ResourceKey.parse(resource),
        text(json, "sourceId"),
        text(json, "revision"),
        Person.parse(approvedBy),
        text(json, "reason"),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
  }

  private static ResponseEntity<String> error(int status, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(EventJson.mapper().createObjectNode().put("error", message).toString());
  }
}
