package dev.opsledger.cli.reliability;

import static dev.opsledger.testkit.TestAwait.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./opsledger up} as a separate JVM, started by the real launcher script in a directory laid
 * out like a checkout whose CLI is already built (this module's jar, as {@code UpProcessIT} runs
 * it), on ports fixed for its whole life so that a restart finds the same broker, emulator and
 * kubeconfig. It can be killed with {@code kill -9} and started again on the same data directory.
 *
 * <p>Properties {@code up} has no option for (notifier channels, retry backoffs) are passed as
 * {@code -D} system properties, which Spring Boot reads below its command-line arguments.
 */
public final class UpProcess implements AutoCloseable {

  private static final Path JAR = Path.of("target", "opsledger.jar").toAbsolutePath();
  private static final Path SCRIPT = Path.of("..", "opsledger").toAbsolutePath().normalize();

  private final Path checkout;
  private final String repoUrl;
  private final String target;
  private final Map<String, String> properties = new TreeMap<>();
  private final List<String> options = new ArrayList<>();
  private final int kafkaPort;
  private final int kubePort;
  private final int httpPort;
  private final int auditPort;
  private final int managementPort;
  private Process process;
  private int starts;
  private boolean externalBroker;
  private Process broker;
  private int brokerStarts;

  UpProcess(Path checkout, String repoUrl, String target) {
    this.checkout = checkout;
    this.repoUrl = repoUrl;
    this.target = target;
    try {
      builtCheckout(checkout);
      kafkaPort = freePortPair();
      kubePort = freePort();
      httpPort = freePort();
      auditPort = freePort();
      managementPort = freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service property passed as a system property. */
  UpProcess property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  /** An option of {@code up}, e.g. {@code --slack-webhook-url}. */
  UpProcess option(String... words) {
    options.addAll(List.of(words));
    return this;
  }

  /**
   * Runs the broker as a process of its own ({@code opsledger broker}) that {@code up} uses through
   * {@code --bootstrap-servers}, so that it can be stopped and started while {@code up} runs.
   */
  UpProcess withExternalBroker() {
    externalBroker = true;
    return this;
  }

  /** What every start of the external broker printed. */
  Path brokerTerminal() {
    return checkout.resolve("broker-terminal.txt");
  }

  /** Starts the external broker on its port and data directory, and waits until it is up. */
  void startBroker() {
    if (broker != null && broker.isAlive()) {
      throw new IllegalStateException("the broker is already running");
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            "./opsledger",
            "broker",
            "--data-dir",
            checkout.resolve("broker").toString(),
            "--port",
            Integer.toString(kafkaPort));
    pb.directory(checkout.toFile());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", "-XX:+UseSerialGC -Xmx512m");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(brokerTerminal().toFile()));
    int start = ++brokerStarts;
    try {
      Files.writeString(
          brokerTerminal(),
          "=== broker start " + start + " ===\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      broker = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("the broker (start " + start + ") is up")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String out = Files.readString(brokerTerminal());
              if (!broker.isAlive()) {
                throw new IllegalStateException("the broker exited:\n" + out);
              }
              return out.substring(out.lastIndexOf("=== broker start " + start + " ==="))
                  .contains("Kafka broker is up");
            });
  }

  /** Stops the external broker as a service manager would (SIGTERM) and waits until it is gone. */
  void stopBroker() {
    terminate(broker);
  }

  /** The data directory under the checkout. */
  Path dataDir() {
    return checkout.resolve(".opsledger");
  }

  /** The file {@code up} logs to. */
  Path logFile() {
    return dataDir().resolve("opsledger.log");
  }

  /** What every start printed on the terminal, one file for all of them. */
  Path terminal() {
    return checkout.resolve("terminal.txt");
  }

  /** The kubeconfig of the emulator {@code up} runs, stable across restarts. */
  Path kubeconfig() {
    return dataDir().resolve("kubeconfig");
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** The services' HTTP base, e.g. {@code http://127.0.0.1:1234}: webhooks, approvals. */
  String httpBase() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The applier's management port: approvals, behind {@link #token()}. */
  String managementBase() {
    return "http://127.0.0.1:" + managementPort;
  }

  int managementPort() {
    return managementPort;
  }

  /** The API token {@code up} wrote into its data directory. */
  String token() throws IOException {
    return Files.readString(dataDir().resolve("api-token")).strip();
  }

  String auditBase() {
    return "http://127.0.0.1:" + auditPort + "/api/v1/";
  }

  /** How many times it was started. */
  int starts() {
    return starts;
  }

  /** Starts {@code up} and returns at once; {@link #awaitUp} waits for it. */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    List<String> cmd = new ArrayList<>(List.of("./opsledger", "up"));
    cmd.addAll(
        List.of(
            "--repo",
            repoUrl,
            "--target",
            target,
            "--kube-port",
            Integer.toString(kubePort),
            "--http-port",
            Integer.toString(httpPort),
            "--audit-port",
            Integer.toString(auditPort),
            "--management-port",
            Integer.toString(managementPort),
            "--poll-interval",
            "1s",
            "--status-interval",
            "0"));
    if (externalBroker) {
      if (broker == null || !broker.isAlive()) {
        startBroker();
      }
      cmd.addAll(List.of("--bootstrap-servers", bootstrapServers()));
    } else {
      cmd.addAll(List.of("--kafka-port", Integer.toString(kafkaPort)));
    }
    cmd.addAll(options);
    StringBuilder opts =
        new StringBuilder("-XX:+UseSerialGC -Xmx768m -Xss512k -Dopsledger.config-home=")
            .append(checkout.resolve("config-home"));
    properties.forEach((k, v) -> opts.append(" -D").append(k).append('=').append(v));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(checkout.toFile());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", opts.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(terminal().toFile()));
    try {
      Files.writeString(
          terminal(),
          "=== start " + (starts + 1) + " ===\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    starts++;
  }

  /** Waits until this start printed that OpsLedger is up. */
  void awaitUp(Duration atMost) {
    int start = starts;
    await("opsledger up (start " + start + ") is up")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "up exited with " + process.exitValue() + ":\n" + tail());
              }
              String out = Files.readString(terminal());
              String last = out.substring(out.lastIndexOf("=== start " + start + " ==="));
              return last.contains("OpsLedger is up");
            });
  }

  /** {@code kill -9}: no shutdown hook, nothing flushed, as a power cut or the OOM killer. */
  void kill9() {
    try {
      Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start();
      kill.waitFor(10, TimeUnit.SECONDS);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("up did not die from kill -9");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JVM of one service of {@code up --fleet} (a child of {@code up}), if one runs: {@code
   * applier} is the first replica, {@code applier-2} the second.
   */
  Optional<ProcessHandle> service(String name) {
    if (process == null) {
      return Optional.empty();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*)-(\\d+)").matcher(name);
    String service = m.matches() ? m.group(1) : name;
    String replica = m.matches() ? m.group(2) : "1";
    return process
        .toHandle()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(
            c -> {
              List<String> args = List.of(c.info().arguments().orElse(new String[0]));
              int i = args.indexOf("service");
              int r = args.indexOf("--replica");
              String its = r >= 0 && r + 1 < args.size() ? args.get(r + 1) : "1";
              return i >= 0
                  && i + 1 < args.size()
                  && args.get(i + 1).equals(service)
                  && its.equals(replica);
            })
        .findFirst();
  }

  /** The JVMs of every service of {@code up --fleet}, and of their children. */
  List<ProcessHandle> serviceJvms() {
    return process == null ? List.of() : process.toHandle().descendants().toList();
  }

  /** {@code kill -9} of one service of {@code up --fleet}; returns the pid it had. */
  long killService(String name) {
    ProcessHandle jvm =
        service(name).orElseThrow(() -> new IllegalStateException(name + " does not run"));
    try {
      new ProcessBuilder("kill", "-9", Long.toString(jvm.pid()))
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      jvm.onExit().get(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(name + " did not die from kill -9", e);
    }
    return jvm.pid();
  }

  /** Waits until {@code up} has started a service again: a new JVM that says it is ready. */
  void awaitServiceRestarted(String name, long oldPid, Duration atMost) {
    Path ready = dataDir().resolve("fleet").resolve(name + ".ready");
    await(name + " started again by up")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("up exited:\n" + tail());
              }
              Optional<ProcessHandle> jvm = service(name);
              return jvm.isPresent()
                  && jvm.get().pid() != oldPid
                  && Files.exists(ready)
                  && Files.readString(ready).contains("pid=" + jvm.get().pid() + "\n");
            });
  }

  /** The log files of {@code up --fleet}'s services and what their JVMs printed. */
  List<Path> serviceLogs() {
    List<Path> logs = new ArrayList<>();
    try (var files = Files.list(dataDir())) {
      files
          .filter(f -> f.getFileName().toString().matches("opsledger-.+\\.log"))
          .forEach(logs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path fleet = dataDir().resolve("fleet");
    if (Files.isDirectory(fleet)) {
      try (var files = Files.list(fleet)) {
        files.filter(f -> f.getFileName().toString().endsWith(".out")).forEach(logs::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return logs;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** The end of what the terminal showed, for a failure message. */
  String tail() {
    try {
      String out = Files.readString(terminal());
      return out.substring(Math.max(0, out.length() - 4000));
    } catch (IOException e) {
      return "(no terminal: " + e + ")";
    }
  }

  /**
   * Stops it as a service manager would (SIGTERM), or kills it when it does not stop, then keeps
   * its terminal and log under {@code target/reliability/<checkout>/} for whoever reads a failure
   * (the checkout is a temporary directory).
   */
  @Override
  public void close() {
    try {
      terminate(process);
      terminate(broker);
    } finally {
      keepTranscripts();
    }
  }

  private void keepTranscripts() {
    try {
      Path keep =
          Files.createDirectories(
              Path.of("target", "reliability", checkout.getParent().getFileName().toString()));
      List<Path> kept =
          new ArrayList<>(
              List.of(
                  terminal(), logFile(), brokerTerminal(), checkout.resolve("broker/broker.log")));
      if (Files.isDirectory(dataDir())) {
        kept.addAll(serviceLogs());
      }
      for (Path p : kept) {
        if (Files.exists(p)) {
          Files.copy(
              p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.err.println("could not keep the transcripts of " + checkout + ": " + e);
    }
  }

  private static void terminate(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The launcher script next to a CLI it considers built: no source newer than its stamp. */
  public static void builtCheckout(Path checkout) throws IOException {
    Files.createDirectories(checkout);
    Files.copy(SCRIPT, checkout.resolve("opsledger"));
    Files.setPosixFilePermissions(
        checkout.resolve("opsledger"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path launch = Files.createDirectories(checkout.resolve("cli/target/launch"));
    Files.copy(JAR, checkout.resolve("cli/target/opsledger.jar"));
    Files.copy(JAR, launch.resolve("opsledger-1.jar"));
    Files.writeString(launch.resolve("current"), "opsledger-1.jar\n");
    Files.writeString(checkout.resolve("cli/target/.opsledger-build-stamp"), "");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A free port whose successor is free too: the embedded broker's controller takes port + 1. */
  public static int freePortPair() throws IOException {
    while (true) {
      int p = freePort();
      if (p < 65535) {
        try (ServerSocket next = new ServerSocket(p + 1)) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
  }
}
