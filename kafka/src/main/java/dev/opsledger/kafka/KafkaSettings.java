package dev.opsledger.kafka;

import dev.opsledger.events.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client configurations for OpsLedger's records: string keys, JSON bytes as values. Every client
 * OpsLedger creates outside the binder starts from {@link #client(KafkaConnection)}, so a secured
 * cluster's properties (SASL, TLS) reach producers, consumers and admin clients alike.
 */
public final class KafkaSettings {

  private KafkaSettings() {}

  /**
   * The base of every client configuration: the connection's extra properties, then its bootstrap
   * servers. The settings below are put on top, so the contract's own settings (serializers,
   * idempotence, isolation, offsets) win over an extra property of the same name.
   */
  public static Map<String, Object> client(KafkaConnection connection) {
    Map<String, Object> m = new HashMap<>(connection.properties());
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
    return m;
  }

  /** An admin client configuration. */
  public static Map<String, Object> admin(KafkaConnection connection) {
    return client(connection);
  }

  /** A producer configuration with the contract's settings (zstd, idempotence, record size). */
  public static Map<String, Object> producer(KafkaConnection connection) {
    Map<String, Object> m = client(connection);
    m.putAll(Topic.producerSettings());
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    m.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return m;
  }

  /** A producer configuration for a plaintext cluster (tests, the embedded broker). */
  public static Map<String, Object> producer(String bootstrapServers) {
    return producer(KafkaConnection.of(bootstrapServers));
  }

  /**
   * A consumer configuration for a named group (never anonymous: a group's committed offset is how
   * a service resumes), reading from the start of the log when it has no offset yet; {@code
   * groupId} {@code null} for a reader outside any group.
   */
  public static Map<String, Object> consumer(KafkaConnection connection, String groupId) {
    Map<String, Object> m = client(connection);
    m.putAll(Topic.consumerSettings());
    if (groupId != null) {
      m.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return m;
  }

  /** A consumer configuration for a plaintext cluster (tests, the embedded broker). */
  public static Map<String, Object> consumer(String bootstrapServers, String groupId) {
    return consumer(KafkaConnection.of(bootstrapServers), groupId);
  }
}
