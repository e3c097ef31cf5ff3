package dev.opsledger.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record header, independent of the Kafka client so that the contract has no client dependency.
 *
 * @param name the header name
 * @param value the raw value
 */
public record EventHeader(String name, byte[] value) {

  /** A header with a UTF-8 text value. */
  public static EventHeader text(String name, String value) {
    return new EventHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The value as UTF-8 text, or {@code null} when there is none. */
  public String textValue() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventHeader h && name.equals(h.name) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return name + "=" + textValue();
  }
}
