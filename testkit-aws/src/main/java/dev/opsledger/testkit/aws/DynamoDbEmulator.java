package dev.opsledger.testkit.aws;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * DynamoDB on loopback: the npm package <a
 * href="https://github.com/architect/dynalite">dynalite</a> (an implementation of the DynamoDB JSON
 * API on LevelDB, in memory here) run as a {@code node} child process. The Maven build of {@code
 * testkit-aws} installs it with {@code npm ci} into {@code testkit-aws/node/node_modules}; only
 * Node.js (20 or newer) must be on the {@code PATH}.
 *
 * <p>Where dynalite is found: the system property {@value #CLI_PROPERTY} (a path to dynalite's
 * {@code cli.js}) if set, otherwise the first {@code testkit-aws/node/node_modules/dynalite/cli.js}
 * or {@code node/node_modules/dynalite/cli.js} walking up from the working directory (Maven runs a
 * module's tests in the module's directory). The {@code node} executable is {@value #NODE_PROPERTY}
 * if set, else {@code node} from the {@code PATH}.
 *
 * <p>Tables go through {@code CREATING}, {@code UPDATING} and {@code DELETING} as in DynamoDB, for
 * {@link Builder#tableStatusDelay(Duration)} (100 ms by default) instead of seconds to minutes, so
 * code under test must wait for {@code ACTIVE} as it must against AWS.
 *
 * <p>Emulated (dynalite 4.0.0): create (key schema, attribute definitions, {@code PROVISIONED} with
 * throughput or {@code PAY_PER_REQUEST}, local and global secondary indexes), describe, list,
 * update (provisioned throughput, billing mode, global secondary indexes) and delete tables, with
 * DynamoDB's validation messages; {@code TagResource}, {@code UntagResource} and {@code
 * ListTagsOfResource}; items, queries and scans. Table ARNs are {@code
 * arn:aws:dynamodb:us-east-1:000000000000:table/NAME}. {@code DynamoDbEmulatorIT} covers the table
 * lifecycle, throughput, billing mode and tags.
 *
 * <p>Not emulated: {@code Tags} given to {@code CreateTable} are dropped (tag with {@code
 * TagResource}); {@code DeletionProtectionEnabled}, {@code StreamSpecification}, {@code
 * SSESpecification}, {@code TableClass} and warm/on-demand throughput settings are accepted and
 * dropped (describe does not return them, delete ignores protection); {@code UpdateTimeToLive},
 * continuous backups and point-in-time recovery, backups, streams, global tables, export/import,
 * PartiQL and transactions answer {@code UnknownOperationException} ({@code DescribeTimeToLive}
 * always answers {@code DISABLED}); signatures are not checked; capacity is never throttled. Cover
 * those with real DynamoDB in an {@code *E2E} profile.
 */
public final class DynamoDbEmulator implements AwsEmulator {

  /** System property naming dynalite's {@code cli.js}, overriding the search from the CWD. */
  public static final String CLI_PROPERTY = "opsledger.testkit.dynalite.cli";

  /** System property naming the {@code node} executable, overriding {@code node} on the PATH. */
  public static final String NODE_PROPERTY = "opsledger.testkit.node";

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbEmulator.class);
  private static final Path CLI_IN_PACKAGE = Path.of("node_modules", "dynalite", "cli.js");
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Thread shutdownHook;
  private final URI endpoint;
  private boolean closed;

  private DynamoDbEmulator(Process process, Thread shutdownHook, URI endpoint) {
    this.process = process;
    this.shutdownHook = shutdownHook;
    this.endpoint = endpoint;
  }

  /** Starts dynalite with the defaults of {@link #builder()}. */
  public static DynamoDbEmulator start() {
    return builder().start();
  }

  /** Options for starting dynalite. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** A builder with region, fake credentials and the endpoint already set. */
  public DynamoDbClientBuilder clientBuilder() {
    return AwsTestClients.configure(DynamoDbClient.builder(), endpoint);
  }

  /** A new client from {@link #clientBuilder()}; the caller closes it. */
  public DynamoDbClient newClient() {
    return clientBuilder().build();
  }

  /** Kills the dynalite process and waits for it to exit. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroy(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (harmlessly) anyway.
    }
  }

  /**
   * The first dynalite {@code cli.js} under {@code testkit-aws/node} or {@code node} in {@code
   * start} or one of its parents.
   */
  static Optional<Path> findCli(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      for (Path candidate :
          List.of(
              dir.resolve("testkit-aws").resolve("node").resolve(CLI_IN_PACKAGE),
              dir.resolve("node").resolve(CLI_IN_PACKAGE))) {
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Options for {@link DynamoDbEmulator}; every one has a default. */
  public static final class Builder {

    private Path cli;
    private String node;
    private Duration tableStatusDelay = Duration.ofMillis(100);

    private Builder() {}

    /** dynalite's {@code cli.js}; by default {@value #CLI_PROPERTY} or the search from the CWD. */
    public Builder cli(Path cli) {
      this.cli = Objects.requireNonNull(cli, "cli");
      return this;
    }

    /** The {@code node} executable; by default {@value #NODE_PROPERTY} or {@code node}. */
    public Builder node(String node) {
      this.node = Objects.requireNonNull(node, "node");
      return this;
    }

    /**
     * How long a table stays {@code CREATING}, {@code UPDATING} or {@code DELETING}; 100 ms by
     * default, {@link Duration#ZERO} for the shortest (still asynchronous) transition.
     */
    public Builder tableStatusDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("tableStatusDelay must not be negative: " + delay);
      }
      this.tableStatusDelay = delay;
      return this;
    }

    /** Starts dynalite on {@code 127.0.0.1} on a free port and waits until it accepts requests. */
    public DynamoDbEmulator start() {
      Path cliJs = resolveCli();
      String nodeExe = node != null ? node : System.getProperty(NODE_PROPERTY, "node");
      RuntimeException failure = null;
      for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
        int port = Loopback.freePort();
        Process process = launch(nodeExe, cliJs, port);
        Thread hook = new Thread(() -> destroy(process), "dynalite-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          awaitListening(process, port);
          LOG.debug("dynalite {} listening on port {}", cliJs, port);
          return new DynamoDbEmulator(process, hook, Loopback.uri(port));
        } catch (RuntimeException e) {
          destroy(process);
          Runtime.getRuntime().removeShutdownHook(hook);
          // Another process may have taken the port between our probe and dynalite's bind.
          failure = e;
        }
      }
      throw failure;
    }

    private Path resolveCli() {
      if (cli != null) {
        return requireFile(cli, "the configured dynalite cli.js");
      }
      String property = System.getProperty(CLI_PROPERTY);
      if (property != null && !property.isBlank()) {
        return requireFile(Path.of(property), "-D" + CLI_PROPERTY);
      }
      Path cwd = Path.of("").toAbsolutePath();
      return findCli(cwd)
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "dynalite is not installed: no testkit-aws/node/"
                          + CLI_IN_PACKAGE.toString().replace(File.separatorChar, '/')
                          + " in "
                          + cwd
                          + " or its parents. Build testkit-aws once (its Maven build runs"
                          + " `npm ci` in testkit-aws/node) or set -D"
                          + CLI_PROPERTY
                          + "=/path/to/dynalite/cli.js"));
    }

    private static Path requireFile(Path path, String what) {
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException(what + " is not a file: " + path);
      }
      return path.toAbsolutePath();
    }

    private Process launch(String nodeExe, Path cliJs, int port) {
      String delay = Long.toString(tableStatusDelay.toMillis());
      List<String> command = new ArrayList<>();
      command.addAll(List.of(nodeExe, cliJs.toString()));
      command.addAll(List.of("--host", Loopback.HOST, "--port", Integer.toString(port)));
      command.addAll(List.of("--createTableMs", delay, "--updateTableMs", delay));
      command.addAll(List.of("--deleteTableMs", delay));
      try {
        return new ProcessBuilder(command)
            .directory(cliJs.getParent().toFile())
            // dynalite prints one line when it listens and nothing after; errors still show.
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot run `"
                + nodeExe
                + "`: Node.js 20+ must be on the PATH (or set -D"
                + NODE_PROPERTY
                + ")",
            e);
      }
    }

    private static void awaitListening(Process process, int port) {
      try {
        Awaitility.await("dynalite listening on " + Loopback.HOST + ":" + port)
            .atMost(START_TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .pollInSameThread()
            .until(
                () -> {
                  if (!process.isAlive()) {
                    throw new IllegalStateException(
                        "dynalite exited with "
                            + process.exitValue()
                            + " before listening on "
                            + port);
                  }
                  return Loopback.accepts(port);
                });
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("dynalite did not listen on port " + port, e);
      }
    }
  }
}
