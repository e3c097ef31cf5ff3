package dev.opsledger.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the log is: a running instance's data directory, or a broker. */
public class Connection {

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka bootstrap servers; default: the running instance's (see --data-dir)")
  String bootstrapServers;

  @Option(
      names = "--data-dir",
      defaultValue = Instance.DEFAULT_DATA_DIR,
      description = "data directory of 'opsledger up' (default: ${DEFAULT-VALUE})")
  Path dataDir;

  /** The broker to read from. */
  public String bootstrap() {
    return Instance.bootstrapServers(bootstrapServers, dataDir);
  }
}
