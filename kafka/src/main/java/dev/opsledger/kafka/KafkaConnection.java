package dev.opsledger.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How OpsLedger reaches a Kafka cluster: the bootstrap servers plus the client properties every
 * client it creates takes (producers, consumers, admin clients, the Spring Cloud Stream binder),
 * e.g. {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code
 * ssl.truststore.location}. {@link KafkaSettings} is the one place that turns it into a client
 * configuration.
 *
 * <p>{@link #toString()} names the property keys, never their values: a JAAS configuration holds a
 * password.
 *
 * @param bootstrapServers the bootstrap servers, e.g. {@code kafka:9092}
 * @param properties extra client properties by Kafka name; empty for a plaintext cluster
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {

  /** Copies the properties, sorted so configurations compare and print the same. */
  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("no Kafka bootstrap servers");
    }
    properties =
        Collections.unmodifiableMap(new TreeMap<>(properties == null ? Map.of() : properties));
  }

  /** A cluster with no extra client properties (plaintext, no authentication). */
  public static KafkaConnection of(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  /**
   * A cluster with the client properties of a Java properties file, the format Kafka's own tools
   * take ({@code --command-config}).
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static KafkaConnection of(String bootstrapServers, Path propertiesFile) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(propertiesFile)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Kafka client properties " + propertiesFile, e);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).strip()));
    return new KafkaConnection(bootstrapServers, m);
  }

  /** Whether the clients authenticate or encrypt, i.e. any extra property is set. */
  public boolean secured() {
    return !properties.isEmpty();
  }

  @Override
  public String toString() {
    return properties.isEmpty()
        ? bootstrapServers
        : bootstrapServers + " with " + String.join(", ", properties.keySet());
  }
}
