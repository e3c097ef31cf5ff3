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
 * <p>The last started instance is also remembered per user, as kubectl remembers its context: a
 * pointer to its data directory in {@code $XDG_CONFIG_HOME/opsledger/current-instance} (default
 * {@code ~/.config}; the system property {@code opsledger.config-home} overrides the directory). A
 * command run without {@code --data-dir} where no instance runs in {@code ./.opsledger} talks to
 * that one, and says so.
 *
 * @param bootstrapServers the embedded broker's address
 * @param kubeconfig the kubeconfig of the Kubernetes emulator, or {@code null}
 * @param auditUrl the audit API's base URL, or {@code null}
 * @param approvalsUrl the approvals endpoint on the applier's management port, or {@code null}
 * @param pid the process id
 * @param startedAt when it started
 */
public record Instance(
    String bootstrapServers,
    String kubeconfig,
    String auditUrl,
    String approvalsUrl,
    long pid,
    Instant startedAt) {

  /** The file name under the data directory. */
  public static final String FILE = "instance.json";

  /** The data directory every command uses without {@code --data-dir}. */
  public static final String DEFAULT_DATA_DIR = ".opsledger";

  /**
   * The approvals endpoint of the running instance in the data directory, or {@code null} when none
   * runs there or it names none (an instance started by an older version).
   */
  static String approvalsUrl(Path dataDir) {
    Path file = resolve(dataDir).resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode url = EventJson.mapper().readTree(file.toFile()).get("approvalsUrl");
      return url == null || !url.isTextual() ? null : url.asText();
    } catch (IOException e) {
      throw new CliException(ExitCodes.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage());
    }
  }

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
    Path pointer = pointerFile();
    Files.createDirectories(pointer.getParent());
    Path pointerTmp = pointer.resolveSibling(pointer.getFileName() + "." + pid + ".tmp");
    Files.writeString(pointerTmp, dataDir.toAbsolutePath().normalize() + "\n");
    Files.move(
        pointerTmp,
        pointer,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the instance file (on a clean stop), and the per-user pointer when it names it. */
  public static void remove(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve(FILE));
    Path remembered = remembered();
    if (remembered != null && remembered.equals(dataDir.toAbsolutePath().normalize())) {
      Files.deleteIfExists(pointerFile());
    }
  }

  /** Where the last started instance is remembered for this user. */
  static Path pointerFile() {
    String home = System.getProperty("opsledger.config-home");
    if (home == null || home.isBlank()) {
      String xdg = System.getenv("XDG_CONFIG_HOME");
      home =
          xdg == null || xdg.isBlank()
              ? Path.of(System.getProperty("user.home"), ".config").toString()
              : xdg;
    }
    return Path.of(home, "opsledger", "current-instance");
  }

  /** The remembered data directory, or {@code null}. */
  private static Path remembered() {
    try {
      Path pointer = pointerFile();
      if (!Files.isRegularFile(pointer)) {
        return null;
      }
      String dir = Files.readString(pointer).strip();
      return dir.isEmpty() ? null : Path.of(dir);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The data directory a command talks to: the given one, unless it is the default and holds no
   * running instance while the per-user pointer names one that does; then that one, announced on
   * standard error.
   */
  static Path resolve(Path dataDir) {
    if (!dataDir.equals(Path.of(DEFAULT_DATA_DIR)) || Files.exists(dataDir.resolve(FILE))) {
      return dataDir;
    }
    Path remembered = remembered();
    if (remembered == null || !Files.exists(remembered.resolve(FILE))) {
      return dataDir;
    }
    System.err.println(
        "Using the OpsLedger instance in " + remembered + " (the one 'opsledger up' last started)");
    return remembered;
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
    Path file = resolve(dataDir).resolve(FILE);
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
