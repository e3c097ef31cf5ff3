package dev.opsledger.events;

import java.util.List;

/**
 * An event as it goes onto Kafka in the CloudEvents binary mode: topic, key, headers, JSON body.
 *
 * @param topic the topic name
 * @param key the record key (the event's subject)
 * @param headers the CloudEvents and extension headers
 * @param value the JSON body
 */
public record EncodedEvent(String topic, String key, List<EventHeader> headers, byte[] value) {

  /** Copies the header list. */
  public EncodedEvent {
    headers = List.copyOf(headers);
  }

  /** The value of the last header with that name, as text, or {@code null}. */
  public String header(String name) {
    return CloudEventHeaders.lastText(headers, name);
  }
}
