package dev.opsledger.testkit;

import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One Kafka broker per test JVM, chosen once: {@code KAFKA_BOOTSTRAP_SERVERS} if set, else a
 * Testcontainers broker when a Docker engine answers, else the sandbox's in-process broker in a
 * temporary directory. It stops when the JVM exits.
 *
 * <p>Tests that share it must use their own topics or consumer groups, or read only what they wrote
 * (e.g. filter by a unique key), since other tests of the JVM write to it too.
 */
public final class SharedKafka {

  /** The environment variable that names an external broker. */
  public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

  /** The image used when Docker is available; the same release as the clients. */
  public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

  private static final Logger LOG = LoggerFactory.getLogger(SharedKafka.class);
  private static KafkaEndpoint endpoint;

  private SharedKafka() {}

  /** The shared broker, started on first use. */
  public static synchronized KafkaEndpoint endpoint() {
    if (endpoint == null) {
      endpoint = start();
      LOG.info("tests use the {} Kafka broker at {}", endpoint.kind(), endpoint.bootstrapServers());
    }
    return endpoint;
  }

  /** The shared broker's bootstrap address. */
  public static String bootstrapServers() {
    return endpoint().bootstrapServers();
  }

  private static KafkaEndpoint start() {
    String external = System.getenv(BOOTSTRAP_ENV);
    if (external != null && !external.isBlank()) {
      return new KafkaEndpoint(external.trim(), KafkaEndpoint.Kind.EXTERNAL);
    }
    if (dockerAvailable()) {
      KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
      return new KafkaEndpoint(container.getBootstrapServers(), KafkaEndpoint.Kind.TESTCONTAINERS);
    }
    LOG.info("no Docker engine answers: Testcontainers is skipped, the in-process broker runs");
    return startEmbedded();
  }

  private static KafkaEndpoint startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("opsledger-test-kafka");
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).build().start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    broker.close();
                    deleteQuietly(dir);
                  },
                  "embedded-kafka-stop"));
      return new KafkaEndpoint(broker.bootstrapServers(), KafkaEndpoint.Kind.EMBEDDED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the test broker", e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind at JVM exit is harmless.
    }
  }
}
