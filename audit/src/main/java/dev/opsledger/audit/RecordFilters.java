package dev.opsledger.audit;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Tests on undecoded records that let a read decode only the records that may matter. Each is a
 * necessary condition, never a sufficient one: what passes is decoded and checked exactly, so a
 * filter can only make a read cheaper, not change its answer.
 */
final class RecordFilters {

  /** Above this many texts a byte search costs more than decoding: every record passes. */
  private static final int MAX_TEXTS = 64;

  private RecordFilters() {}

  /**
   * Records whose correlation is one of {@code texts} or whose encoded event contains one of them:
   * every record naming a revision (events are JSON, and a SHA is written as it is).
   */
  static Predicate<ConsumerRecord<String, byte[]>> mentioning(Set<String> texts) {
    if (texts.size() > MAX_TEXTS) {
      return r -> true;
    }
    List<byte[]> needles = texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    return r -> {
      String correlation = header(r, CloudEventHeaders.CORRELATION);
      if (correlation != null && texts.contains(correlation)) {
        return true;
      }
      for (byte[] n : needles) {
        if (contains(r.value(), n)) {
          return true;
        }
      }
      return false;
    };
  }

  /**
   * Records keyed by one of {@code subjects} or whose subject is one of them, of {@code type} when
   * it is not null.
   */
  static Predicate<ConsumerRecord<String, byte[]>> about(Set<String> subjects, EventType type) {
    return r -> {
      String subject = header(r, CloudEventHeaders.SUBJECT);
      return ((r.key() != null && subjects.contains(r.key()))
              || (subject != null && subjects.contains(subject)))
          && (type == null || type.ceType().equals(header(r, CloudEventHeaders.TYPE)));
    };
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static boolean contains(byte[] hay, byte[] needle) {
    if (needle.length == 0) {
      return true;
    }
    byte first = needle[0];
    int last = hay.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
