package dev.opsledger.cli;

import dev.opsledger.kafka.KafkaConnection;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the log is: a running instance's data directory, or a broker. */
public class Connection {

  /** The environment variable that names the client properties file. */
  public static final String PROPERTIES_ENV = "OPSLEDGER_KAFKA_PROPERTIES";

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka bootstrap servers; default: the running instance's (see --data-dir)")
  String bootstrapServers;

  @Option(
      names = "--kafka-properties",
      paramLabel = "FILE",
      defaultValue = "${env:" + PROPERTIES_ENV + "}",
      description =
          "Kafka client properties for a secured cluster (security.protocol, sasl.mechanism,"
              + " sasl.jaas.config, ssl.*), as for Kafka's own tools; default: $"
              + PROPERTIES_ENV)
  Path kafkaProperties;

  @Option(
      names = "--data-dir",
      defaultValue = Instance.DEFAULT_DATA_DIR,
      description = "data directory of 'opsledger up' (default: ${DEFAULT-VALUE})")
  Path dataDir;

  /** The broker to read from. */
  public String bootstrap() {
    return Instance.bootstrapServers(bootstrapServers, dataDir);
  }

  /** The broker to read from, with the client properties of {@code --kafka-properties}. */
  public KafkaConnection kafka() {
    String bootstrap = bootstrap();
    if (kafkaProperties == null) {
      return KafkaConnection.of(bootstrap);
    }
    if (!Files.isRegularFile(kafkaProperties)) {
      throw new CliException(
          ExitCodes.USAGE, "--kafka-properties: no such file " + kafkaProperties.toAbsolutePath());
    }
    try {
      return KafkaConnection.of(bootstrap, kafkaProperties);
    } catch (UncheckedIOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage() + ": " + e.getCause().getMessage());
    }
  }
}
