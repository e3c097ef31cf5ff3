package dev.opsledger.service;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.EventType;
import dev.opsledger.events.OpsLedgerEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;

/** Reads Spring messages from the Kafka binder as OpsLedger events. */
public class EventMessages {

  private static final Logger LOG = LoggerFactory.getLogger(EventMessages.class);

  private final EventCodec codec;
  private final MeterRegistry meters;

  /** Creates the reader. */
  public EventMessages(EventCodec codec, MeterRegistry meters) {
    this.codec = codec;
    this.meters = meters;
  }

  /**
   * Decodes a consumed message.
   *
   * @throws PoisonRecordException for a record that is not a readable OpsLedger event, so the
   *     binder dead-letters it
   */
  public EventEnvelope<OpsLedgerEvent> decode(Message<byte[]> message) {
    try {
      return codec.decode(headersOf(message.getHeaders()), message.getPayload());
    } catch (EventDecodingException e) {
      LOG.warn("poison record sent to the dead-letter topic: {}", e.getMessage());
      if (meters != null) {
        meters.counter("opsledger.events.poison", "reason", e.reason().name()).increment();
      }
      throw new PoisonRecordException(e);
    }
  }

  /**
   * Whether the message's {@code ce_type} header names {@code type}, read without decoding the
   * body: a consumer that keeps one type of a busy topic skips the others for the cost of a header.
   */
  public static boolean hasType(Message<?> message, EventType type) {
    Object value = message.getHeaders().get(CloudEventHeaders.TYPE);
    String text =
        value instanceof byte[] b
            ? new String(b, StandardCharsets.UTF_8)
            : value == null ? null : value.toString();
    return type.ceType().equals(text);
  }

  /** The message's headers as contract headers (byte or text values; others are skipped). */
  public static List<EventHeader> headersOf(Map<String, Object> headers) {
    List<EventHeader> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      Object v = e.getValue();
      if (v instanceof byte[] bytes) {
        out.add(new EventHeader(e.getKey(), bytes));
      } else if (v instanceof String s) {
        out.add(new EventHeader(e.getKey(), s.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
