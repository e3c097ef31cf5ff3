package dev.opsledger.differ.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The records of one poll, as the binder hands them over in batch mode: one message whose payload
 * is the list of values and whose headers hold, per header, a list in the same order (or, with a
 * header mapper, one converted map per record). Split back into one message per record, with the
 * record's own headers, so that each is decoded exactly as a record delivered alone.
 */
final class PolledRecords {

  private PolledRecords() {}

  /** One record of the poll: its position in the batch, its message, and where it was read. */
  record Polled(int index, Message<byte[]> message, ConsumerRecord<byte[], byte[]> origin) {}

  /** The poll's records, in the order they were read. */
  static List<Polled> split(Message<List<byte[]>> batch) {
    List<byte[]> values = batch.getPayload();
    MessageHeaders headers = batch.getHeaders();
    List<?> converted = listHeader(headers, KafkaHeaders.BATCH_CONVERTED_HEADERS);
    List<Polled> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Map<String, Object> own = new HashMap<>();
      if (converted != null && i < converted.size() && converted.get(i) instanceof Map<?, ?> m) {
        m.forEach((k, v) -> own.put(String.valueOf(k), v));
      }
      for (Map.Entry<String, Object> h : headers.entrySet()) {
        if (h.getValue() instanceof List<?> list
            && list.size() == values.size()
            && !KafkaHeaders.BATCH_CONVERTED_HEADERS.equals(h.getKey())) {
          own.putIfAbsent(h.getKey(), list.get(i));
        }
      }
      byte[] value = values.get(i);
      // A tombstone (no value) decodes as an unreadable record, as it does delivered alone.
      Message<byte[]> message =
          MessageBuilder.withPayload(value == null ? new byte[0] : value)
              .copyHeadersIfAbsent(own)
              .build();
      out.add(new Polled(i, message, origin(own, value)));
    }
    return out;
  }

  /**
   * The record as the tracing and log context of a single delivery read it: topic, partition,
   * offset and the headers that are bytes or text.
   */
  private static ConsumerRecord<byte[], byte[]> origin(Map<String, Object> headers, byte[] value) {
    RecordHeaders kafka = new RecordHeaders();
    headers.forEach(
        (k, v) -> {
          if (v instanceof byte[] bytes) {
            kafka.add(k, bytes);
          } else if (v instanceof String s) {
            kafka.add(k, s.getBytes(StandardCharsets.UTF_8));
          }
        });
    Object topic = headers.get(KafkaHeaders.RECEIVED_TOPIC);
    Object partition = headers.get(KafkaHeaders.RECEIVED_PARTITION);
    Object offset = headers.get(KafkaHeaders.OFFSET);
    return new ConsumerRecord<>(
        topic == null ? "" : topic.toString(),
        partition instanceof Number n ? n.intValue() : -1,
        offset instanceof Number n ? n.longValue() : -1L,
        ConsumerRecord.NO_TIMESTAMP,
        TimestampType.NO_TIMESTAMP_TYPE,
        ConsumerRecord.NULL_SIZE,
        value == null ? ConsumerRecord.NULL_SIZE : value.length,
        null,
        value,
        kafka,
        Optional.empty());
  }

  private static List<?> listHeader(MessageHeaders headers, String name) {
    return headers.get(name) instanceof List<?> list ? list : null;
  }
}
