package dev.opsledger.kafka;

import dev.opsledger.events.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client configurations for OpsLedger's records: string keys, JSON bytes as values. */
public final class KafkaSettings {

  private KafkaSettings() {}

  /** A producer configuration with the contract's settings (zstd, idempotence, record size). */
  public static Map<String, Object> producer(String bootstrapServers) {
    Map<String, Object> m = new HashMap<>(Topic.producerSettings());
    m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    m.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return m;
  }

  /**
   * A consumer configuration for a named group (never anonymous: a group's committed offset is how
   * a service resumes), reading from the start of the log when it has no offset yet.
   */
  public static Map<String, Object> consumer(String bootstrapServers, String groupId) {
    Map<String, Object> m = new HashMap<>(Topic.consumerSettings());
    m.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (groupId != null) {
      m.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return m;
  }
}
