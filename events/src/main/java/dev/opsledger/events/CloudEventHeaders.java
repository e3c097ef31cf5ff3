package dev.opsledger.events;

import java.util.List;

/**
 * Header names of the CloudEvents 1.0 Kafka protocol binding, binary content mode, and of
 * OpsLedger's extension attributes.
 */
public final class CloudEventHeaders {

  /** CloudEvents {@code specversion}. */
  public static final String SPEC_VERSION = "ce_specversion";

  /** CloudEvents {@code id}. */
  public static final String ID = "ce_id";

  /** CloudEvents {@code source}. */
  public static final String SOURCE = "ce_source";

  /** CloudEvents {@code type}. */
  public static final String TYPE = "ce_type";

  /** CloudEvents {@code time} (RFC 3339). */
  public static final String TIME = "ce_time";

  /** CloudEvents {@code subject}: the resource key text or source id. */
  public static final String SUBJECT = "ce_subject";

  /** CloudEvents {@code dataschema}: names the type's schema version. */
  public static final String DATA_SCHEMA = "ce_dataschema";

  /** The binding maps {@code datacontenttype} to the plain {@code content-type} header. */
  public static final String CONTENT_TYPE = "content-type";

  /** Extension: the commit SHA (or other root id) that started the chain. */
  public static final String CORRELATION = "ce_correlation";

  /** Extension: the id of the event that caused this one. */
  public static final String CAUSATION = "ce_causation";

  /**
   * W3C trace context, as a plain header so that OpenTelemetry's Kafka instrumentation reads it.
   */
  public static final String TRACEPARENT = "traceparent";

  /** The only CloudEvents version written. */
  public static final String SPEC_VERSION_VALUE = "1.0";

  /** The content type of every body. */
  public static final String JSON = "application/json";

  private CloudEventHeaders() {}

  /** The last header of that name as text, or {@code null}. */
  public static String lastText(List<EventHeader> headers, String name) {
    String found = null;
    for (EventHeader h : headers) {
      if (h.name().equals(name)) {
        found = h.textValue();
      }
    }
    return found;
  }
}
