package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.Person;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaRecordsTest {

  private final EventCodec codec = new EventCodec();

  @Test
  void anEventGoesToItsTopicKeyedByItsSubjectWithItsHeaders() throws Exception {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    EncodedEvent encoded =
        codec.encode(
            new EventEnvelope<>(
                "id-1",
                "/test",
                t,
                "sha",
                "",
                "",
                new SyncApproved(null, "payments", "abc", new Person("Ada", ""), null, t)));

    ProducerRecord<String, byte[]> record = KafkaRecords.toProducerRecord(encoded);

    assertThat(record.topic()).isEqualTo(Topic.APPROVALS.topicName());
    assertThat(record.key()).isEqualTo("payments");
    assertThat(record.value()).isEqualTo(encoded.value());
    assertThat(record.headers().lastHeader("ce_id").value())
        .isEqualTo("id-1".getBytes(StandardCharsets.UTF_8));
    var decoded = codec.decode(KafkaRecords.fromKafkaHeaders(record.headers()), record.value());
    assertThat(decoded.id()).isEqualTo("id-1");
    assertThat(decoded.correlation()).isEqualTo("sha");
  }

  @Test
  void headersKeepTheirOrderAndRepeatsBothWays() {
    List<EventHeader> headers =
        List.of(
            new EventHeader("a", bytes("1")),
            new EventHeader("b", bytes("2")),
            new EventHeader("a", bytes("3")));

    List<EventHeader> back = KafkaRecords.fromKafkaHeaders(KafkaRecords.toKafkaHeaders(headers));

    assertThat(back).extracting(EventHeader::name).containsExactly("a", "b", "a");
    assertThat(back)
        .extracting(h -> new String(h.value(), StandardCharsets.UTF_8))
        .containsExactly("1", "2", "3");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
