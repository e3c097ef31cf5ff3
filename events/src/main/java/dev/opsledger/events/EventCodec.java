package dev.opsledger.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads events in the CloudEvents 1.0 Kafka protocol binding, binary content mode: the
 * context attributes travel as {@code ce_*} headers, the event record is the JSON body. Each type's
 * schema version travels in {@code ce_dataschema}; older versions are upcast when read.
 */
public final class EventCodec {

  private final ObjectMapper mapper;
  private final Upcasters upcasters;

  /** A codec with the shared mapper and the contract's upcasters. */
  public EventCodec() {
    this(EventJson.mapper(), Upcasters.standard());
  }

  /** A codec with another upcaster chain (for tests of upcasting). */
  public EventCodec(ObjectMapper mapper, Upcasters upcasters) {
    this.mapper = mapper;
    this.upcasters = upcasters;
  }

  /** Encodes an event for its type's topic. */
  public EncodedEvent encode(EventEnvelope<?> envelope) {
    EventType type = envelope.type();
    List<EventHeader> headers = new ArrayList<>(11);
    headers.add(
        EventHeader.text(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE));
    headers.add(EventHeader.text(CloudEventHeaders.ID, envelope.id()));
    headers.add(EventHeader.text(CloudEventHeaders.SOURCE, envelope.source()));
    headers.add(EventHeader.text(CloudEventHeaders.TYPE, type.ceType()));
    headers.add(EventHeader.text(CloudEventHeaders.TIME, envelope.time().toString()));
    headers.add(EventHeader.text(CloudEventHeaders.SUBJECT, envelope.subject()));
    headers.add(EventHeader.text(CloudEventHeaders.DATA_SCHEMA, type.dataSchema(type.version())));
    headers.add(EventHeader.text(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    if (!envelope.correlation().isEmpty()) {
      headers.add(EventHeader.text(CloudEventHeaders.CORRELATION, envelope.correlation()));
    }
    if (!envelope.causation().isEmpty()) {
      headers.add(EventHeader.text(CloudEventHeaders.CAUSATION, envelope.causation()));
    }
    if (!envelope.traceparent().isEmpty()) {
      headers.add(EventHeader.text(CloudEventHeaders.TRACEPARENT, envelope.traceparent()));
    }
    try {
      byte[] body = mapper.writeValueAsBytes(envelope.data());
      return new EncodedEvent(type.topic().topicName(), envelope.subject(), headers, body);
    } catch (JsonProcessingException e) {
      // Records of this module always serialise; this is a programming error.
      throw new IllegalStateException("cannot serialise " + type.ceType(), e);
    }
  }

  /**
   * Reads a record written by {@link #encode} (or by any writer of the binding).
   *
   * @throws EventDecodingException with the reason, the raw value and headers, for a record that is
   *     not a readable OpsLedger event; never an unchecked exception for bad input
   */
  public EventEnvelope<OpsLedgerEvent> decode(List<EventHeader> headers, byte[] value)
      throws EventDecodingException {
    String spec = CloudEventHeaders.lastText(headers, CloudEventHeaders.SPEC_VERSION);
    if (!CloudEventHeaders.SPEC_VERSION_VALUE.equals(spec)) {
      throw fail(
          EventDecodingException.Reason.MISSING_HEADER,
          "ce_specversion must be 1.0, got " + spec,
          headers,
          value,
          null);
    }
    String ceType = required(headers, CloudEventHeaders.TYPE, value);
    String id = required(headers, CloudEventHeaders.ID, value);
    String source = required(headers, CloudEventHeaders.SOURCE, value);
    EventType type = EventType.byCeType(ceType);
    if (type == null) {
      throw fail(
          EventDecodingException.Reason.UNKNOWN_TYPE,
          "unknown ce_type '" + ceType + "'",
          headers,
          value,
          null);
    }
    int version = versionOf(type, headers, value);
    Instant time = timeOf(headers, value);
    OpsLedgerEvent direct = version == type.version() ? bindDirectly(type, value) : null;
    if (direct != null) {
      return envelope(id, source, time, headers, direct);
    }
    ObjectNode body = parseBody(headers, value);
    try {
      body = upcasters.upcast(type, version, body);
    } catch (IllegalStateException e) {
      throw fail(
          EventDecodingException.Reason.UNSUPPORTED_VERSION, e.getMessage(), headers, value, e);
    } catch (IllegalArgumentException e) {
      throw fail(EventDecodingException.Reason.INVALID_BODY, e.getMessage(), headers, value, e);
    }
    OpsLedgerEvent data;
    try {
      data = mapper.treeToValue(body, type.recordClass());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw fail(
          EventDecodingException.Reason.INVALID_BODY,
          "body is not a valid " + ceType + " v" + type.version() + ": " + rootMessage(e),
          headers,
          value,
          e);
    }
    return envelope(id, source, time, headers, data);
  }

  /**
   * The body of the current schema version bound to its record in one pass, without the tree the
   * upcasters need (a third less CPU for a 2 KiB observation); {@code null} when that fails for any
   * reason, so that the two-pass path reads the body again and tells exactly why.
   */
  private OpsLedgerEvent bindDirectly(EventType type, byte[] value) {
    if (value == null || value.length == 0) {
      return null;
    }
    try {
      return mapper.readValue(value, type.recordClass());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static EventEnvelope<OpsLedgerEvent> envelope(
      String id, String source, Instant time, List<EventHeader> headers, OpsLedgerEvent data) {
    return new EventEnvelope<>(
        id,
        source,
        time,
        CloudEventHeaders.lastText(headers, CloudEventHeaders.CORRELATION),
        CloudEventHeaders.lastText(headers, CloudEventHeaders.CAUSATION),
        CloudEventHeaders.lastText(headers, CloudEventHeaders.TRACEPARENT),
        data);
  }

  /** Decodes an encoded event; a convenience for tests and in-process hand-offs. */
  public EventEnvelope<OpsLedgerEvent> decode(EncodedEvent encoded) throws EventDecodingException {
    return decode(encoded.headers(), encoded.value());
  }

  private int versionOf(EventType type, List<EventHeader> headers, byte[] value)
      throws EventDecodingException {
    String schema = CloudEventHeaders.lastText(headers, CloudEventHeaders.DATA_SCHEMA);
    if (schema == null) {
      // Writers of the first contract release set no dataschema; that release was version 1.
      return 1;
    }
    int version = type.versionOf(schema);
    if (version < 1 || version > type.version()) {
      throw fail(
          EventDecodingException.Reason.UNSUPPORTED_VERSION,
          "ce_dataschema '"
              + schema
              + "' is not a version this reader knows (1 to "
              + type.version()
              + ")",
          headers,
          value,
          null);
    }
    return version;
  }

  private Instant timeOf(List<EventHeader> headers, byte[] value) throws EventDecodingException {
    String text = required(headers, CloudEventHeaders.TIME, value);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw fail(
          EventDecodingException.Reason.MISSING_HEADER,
          "ce_time '" + text + "' is not an RFC 3339 time",
          headers,
          value,
          e);
    }
  }

  private ObjectNode parseBody(List<EventHeader> headers, byte[] value)
      throws EventDecodingException {
    if (value == null || value.length == 0) {
      throw fail(EventDecodingException.Reason.NOT_JSON, "empty body", headers, value, null);
    }
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (IOException e) {
      throw fail(
          EventDecodingException.Reason.NOT_JSON,
          "body is not JSON: " + rootMessage(e),
          headers,
          value,
          e);
    }
    if (!(node instanceof ObjectNode object)) {
      throw fail(
          EventDecodingException.Reason.NOT_JSON,
          "body is JSON but not an object",
          headers,
          value,
          null);
    }
    return object;
  }

  private static String required(List<EventHeader> headers, String name, byte[] value)
      throws EventDecodingException {
    String text = CloudEventHeaders.lastText(headers, name);
    if (text == null || text.isBlank()) {
      throw fail(
          EventDecodingException.Reason.MISSING_HEADER,
          "header " + name + " is missing",
          headers,
          value,
          null);
    }
    return text;
  }

  private static EventDecodingException fail(
      EventDecodingException.Reason reason,
      String message,
      List<EventHeader> headers,
      byte[] value,
      Throwable cause) {
    return new EventDecodingException(reason, message, headers, value, cause);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    int newline = m.indexOf('\n');
    return newline > 0 ? m.substring(0, newline) : m;
  }
}
