package dev.opsledger.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of a test's own, on a free loopback port, that the test may stop and start
 * again (an outage) without touching the shared server on 127.0.0.1:5432 that {@code .ci/run}
 * starts for the other tests. Made with the machine's PostgreSQL binaries ({@code initdb}, {@code
 * pg_ctl}; Debian puts them in {@code /usr/lib/postgresql/<version>/bin}, {@code OPSLEDGER_PG_BIN}
 * names another directory), its data in a temporary directory, trust authentication for the user
 * {@value #USER}. PostgreSQL refuses to run as root, so as root the binaries run as the {@code
 * postgres} system user, which the Debian package creates.
 *
 * <p>Stopped and deleted by {@link #close()} and, should the test forget, at JVM exit.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The superuser, no password. */
  public static final String USER = "postgres";

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final Thread cleanup;
  private boolean running;
  private boolean closed;

  private LocalPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.cleanup = new Thread(this::closeQuietly, "local-postgres-stop");
  }

  /** Whether PostgreSQL's server binaries are on this machine. */
  public static boolean available() {
    return binaries() != null;
  }

  /**
   * Creates a cluster in a temporary directory and starts it.
   *
   * @throws IllegalStateException if the binaries are missing or the server does not start
   */
  public static LocalPostgres start() {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException(
          "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or"
              + " OPSLEDGER_PG_BIN");
    }
    try {
      Path dir = Files.createTempDirectory("opsledger-pg");
      if (asRoot()) {
        UserPrincipal owner =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, owner);
      }
      LocalPostgres pg = new LocalPostgres(bin, dir, freePort());
      Runtime.getRuntime().addShutdownHook(pg.cleanup);
      pg.run(
          "initdb",
          "-D",
          pg.data().toString(),
          "-U",
          USER,
          "--auth=trust",
          "-E",
          "UTF8",
          "--no-sync",
          "--no-instructions");
      pg.startServer();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a PostgreSQL data directory", e);
    }
  }

  /** Starts the server again after {@link #stopServer()}, on the same port, with the same data. */
  public synchronized void startServer() {
    if (running) {
      return;
    }
    run(
        "pg_ctl",
        "-D",
        data().toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-w",
        "-t",
        "60",
        // -F: no fsync (test data); -k: the socket in our own directory, not /var/run.
        "-o",
        "-p " + port + " -h 127.0.0.1 -k " + dir + " -F",
        "start");
    running = true;
    LOG.info("local PostgreSQL started on 127.0.0.1:{} ({})", port, dir);
  }

  /** Stops the server (clients see connection refused), keeping its data. */
  public synchronized void stopServer() {
    if (!running) {
      return;
    }
    run("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "-t", "60", "stop");
    running = false;
    LOG.info("local PostgreSQL on 127.0.0.1:{} stopped", port);
  }

  /** Whether the server is running. */
  public synchronized boolean running() {
    return running;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The JDBC URL of a database, e.g. {@code postgres} (which always exists). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopServer();
    } finally {
      deleteTree(dir);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // Called from the hook itself.
      }
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.warn("cannot stop the local PostgreSQL in {}: {}", dir, e.toString());
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  private void run(String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    Path output = dir.resolve(tool + ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            tool + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            tool + " failed (" + p.exitValue() + "): " + Files.readString(output));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + tool, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + tool, e);
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path binaries() {
    String configured = System.getenv("OPSLEDGER_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isExecutable(p.resolve("pg_ctl")) ? p : null;
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(LocalPostgres::version))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
