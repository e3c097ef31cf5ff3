package dev.opsledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What a running {@code opsledger up} tells the other commands, in {@code
 * <data-dir>/instance.json}.
 *
 * @param bootstrapServers the embedded broker's address
 * @param kubeconfig the kubeconfig of the Kubernetes emulator, or {@code null}
 * @param auditUrl the audit API's base URL, or {@code null}
 * @param pid the process id
 * @param startedAt when it started
 */
public record Instance(
    String bootstrapServers, String kubeconfig, String auditUrl, long pid, Instant startedAt) {

  /** The file name under the data directory. */
  public static final String FILE = "instance.json";

  /** Writes this instance's file. */
  public void write(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    EventJson.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
    Files.move(
        tmp,
        dataDir.resolve(FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the instance file (on a clean stop). */
  public static void remove(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve(FILE));
  }

  /**
   * The broker to talk to: {@code --bootstrap-servers} when given, else the running instance's.
   *
   * @throws CliException when neither is there
   */
  public static String bootstrapServers(String option, Path dataDir) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "no running OpsLedger found in "
              + dataDir.toAbsolutePath()
              + " (start one with 'opsledger up', or give --bootstrap-servers)");
    }
    try {
      JsonNode node = EventJson.mapper().readTree(file.toFile());
      return node.path("bootstrapServers").asText();
    } catch (IOException e) {
      throw new CliException(ExitCodes.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
