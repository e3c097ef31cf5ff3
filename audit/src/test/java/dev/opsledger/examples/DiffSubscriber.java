package dev.opsledger.examples;

import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The README's example: a subscriber of {@code opsledger.diffs} with the plain Kafka client and the
 * contract module (or any JSON library and the JSON Schemas). It is compiled and run by {@code
 * DiffSubscriberIT}, so the example in the README cannot rot.
 */
public final class DiffSubscriber implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final EventCodec codec = new EventCodec();

  /** Subscribes as consumer group {@code group}. */
  public DiffSubscriber(String bootstrapServers, String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("max.partition.fetch.bytes", "16777216");
    consumer = new KafkaConsumer<>(p);
    consumer.subscribe(List.of("opsledger.diffs"));
  }

  /** Polls once and hands every drift report to {@code onDrift}. */
  public void pollOnce(Consumer<DriftDetected> onDrift) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
      List<EventHeader> headers = new ArrayList<>();
      for (Header h : r.headers()) {
        headers.add(new EventHeader(h.key(), h.value()));
      }
      try {
        if (codec.decode(headers, r.value()).data() instanceof DriftDetected drift) {
          onDrift.accept(drift);
        }
      } catch (EventDecodingException e) {
        // Not an event this reader knows: skip it (e.getMessage() says why).
      }
    }
    consumer.commitSync();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
