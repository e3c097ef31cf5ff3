package dev.opsledger.cli;

import dev.opsledger.cli.ServiceCommand.Service;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five services of {@code opsledger up --fleet}, each in its own JVM ({@link ServiceCommand}),
 * supervised: a service that dies (a crash, {@code kill -9}, out of memory) is started again after
 * a backoff of 1 s, doubled up to 30 s while it keeps dying within a minute of its start, and
 * {@code up}'s terminal and log say so. Closing stops them all (SIGTERM, a graceful Spring stop;
 * after 30 s, SIGKILL).
 *
 * <p>Each service logs to {@code <data-dir>/opsledger-<service>.log}; what its JVM prints itself (a
 * crash's last words) goes to {@code <data-dir>/fleet/<service>.out}. The JVM options are {@code
 * up}'s own, so {@code OPSLEDGER_JAVA_OPTS} and {@code -D} properties reach every service.
 */
final class ServiceProcesses implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceProcesses.class);

  static final Duration START_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration STABLE = Duration.ofMinutes(1);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** One supervised service. */
  static final class Child {
    final Service service;
    final int replica;
    final int httpPort;
    private volatile Process process;
    private volatile Instant startedAt;
    private volatile int port;
    private volatile Duration backoff = FIRST_BACKOFF;
    private volatile int restarts;

    private Child(Service service, int replica, int httpPort) {
      this.service = service;
      this.replica = replica;
      this.httpPort = httpPort;
    }

    /** The replica's name, e.g. {@code applier}, {@code applier-2}. */
    String name() {
      return ServiceCommand.replicaName(service, replica);
    }

    /** The pid of its current JVM. */
    long pid() {
      Process p = process;
      return p == null ? -1 : p.pid();
    }

    /** Its HTTP port (actuator, and the git-watcher's webhooks), once ready. */
    int port() {
      return port;
    }

    /** How often it was started again. */
    int restarts() {
      return restarts;
    }
  }

  private final Path data;
  private final Path dir;
  private final Path config;
  private final Consumer<String> notices;
  private final Map<String, Child> children = new LinkedHashMap<>();
  private final ScheduledExecutorService restarts =
      // One thread per service: a slow restart does not hold up another's.
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "fleet-supervisor");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closing;

  /**
   * The services of one {@code up}.
   *
   * @param data the data directory
   * @param properties every service's settings (as the one-JVM fleet gets them)
   * @param gitWatcherPort the git-watcher's HTTP port, where webhooks arrive (0: any); the other
   *     services take any free port
   * @param replicas how many JVMs run each service (1 when not listed)
   * @param notices hears of every death and restart (up's terminal)
   */
  ServiceProcesses(
      Path data,
      Map<String, Object> properties,
      int gitWatcherPort,
      Map<Service, Integer> replicas,
      Consumer<String> notices)
      throws IOException {
    this.data = data;
    this.dir = Files.createDirectories(data.resolve("fleet"));
    this.config = dir.resolve("services.properties");
    this.notices = notices;
    writeOwnerOnly(config, properties);
    for (Service s : Service.values()) {
      int count = replicas.getOrDefault(s, 1);
      for (int i = 1; i <= count; i++) {
        // Webhooks arrive at the first git-watcher's port; the others take any free port.
        Child c = new Child(s, i, s == Service.GIT_WATCHER && i == 1 ? gitWatcherPort : 0);
        children.put(c.name(), c);
      }
    }
  }

  /** Starts every service and waits until each runs; on failure, stops them and throws. */
  void start() throws IOException {
    for (Child c : children.values()) {
      spawn(c);
    }
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    for (Child c : children.values()) {
      awaitReady(c, deadline);
    }
  }

  /** The services, in start order. */
  List<Child> children() {
    return List.copyOf(children.values());
  }

  /** The JVM command that runs {@code service}: up's own JVM options and classpath. */
  List<String> command(Child c) {
    List<String> cmd = new ArrayList<>();
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // A debugger or agent port cannot be shared, and each service has its own log file.
      if (!arg.startsWith("-agentlib")
          && !arg.startsWith("-javaagent")
          && !arg.startsWith("-Xrunjdwp")
          && !arg.startsWith("-Dopsledger.log.file=")) {
        cmd.add(arg);
      }
    }
    cmd.add("-Dopsledger.log.file=" + data.resolve("opsledger-" + c.name() + ".log"));
    String classpath = System.getProperty("java.class.path");
    if (springBootJar(classpath)) {
      // Run as 'java -jar opsledger.jar' (the launcher script): its classes are nested jars.
      cmd.add("-jar");
      cmd.add(classpath);
    } else {
      cmd.add("-cp");
      cmd.add(classpath);
      cmd.add(OpsLedgerCli.class.getName());
    }
    cmd.addAll(
        List.of(
            "service",
            c.service.id,
            "--config",
            config.toString(),
            "--ready-file",
            readyFile(c).toString(),
            "--http-port",
            Integer.toString(c.httpPort),
            "--replica",
            Integer.toString(c.replica)));
    return cmd;
  }

  /**
   * Whether the classpath is one Spring Boot jar. A test JVM's may be one jar too, whose manifest
   * only lists the classpath: that one runs with {@code -cp}.
   */
  static boolean springBootJar(String classpath) {
    if (classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar")) {
      return false;
    }
    try (JarFile jar = new JarFile(classpath)) {
      Manifest m = jar.getManifest();
      return m != null && m.getMainAttributes().getValue("Start-Class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private Path readyFile(Child c) {
    return dir.resolve(c.name() + ".ready");
  }

  private synchronized void spawn(Child c) throws IOException {
    if (closing) {
      return;
    }
    Files.deleteIfExists(readyFile(c));
    Path out = dir.resolve(c.name() + ".out");
    Files.writeString(
        out,
        "=== " + Instant.now() + " start ===\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(command(c));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    c.process = p;
    c.startedAt = Instant.now();
    c.port = 0;
    p.onExit().thenAccept(gone -> exited(c, gone));
  }

  private void awaitReady(Child c, Instant deadline) throws IOException {
    Path ready = readyFile(c);
    Process p = c.process;
    while (!Files.exists(ready)) {
      if (closing) {
        return;
      }
      if (p != null && !p.isAlive() && c.process == p) {
        throw new IOException(
            c.name()
                + " stopped while starting (exit code "
                + p.exitValue()
                + "); its output: "
                + dir.resolve(c.name() + ".out")
                + ", its log: "
                + data.resolve("opsledger-" + c.name() + ".log"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException(
            c.name() + " did not start within " + START_TIMEOUT.toMinutes() + " minutes");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + c.name() + " starts", e);
      }
      p = c.process;
    }
    c.port = Integer.parseInt(ServiceCommand.readReady(ready).getProperty("port", "0"));
  }

  private void exited(Child c, Process gone) {
    if (closing || c.process != gone) {
      return;
    }
    Duration ran = Duration.between(c.startedAt, Instant.now());
    Duration wait = ran.compareTo(STABLE) >= 0 ? FIRST_BACKOFF : c.backoff;
    c.backoff = min(wait.multipliedBy(2), MAX_BACKOFF);
    String notice =
        "%s (pid %d) exited with code %d after %d s; starting it again in %d s"
            .formatted(c.name(), gone.pid(), gone.exitValue(), ran.toSeconds(), wait.toSeconds());
    LOG.warn(notice);
    notices.accept(notice);
    restarts.schedule(() -> restart(c), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void restart(Child c) {
    Instant begun = Instant.now();
    try {
      spawn(c);
      awaitReady(c, begun.plus(START_TIMEOUT));
      if (closing) {
        return;
      }
      c.restarts++;
      String notice =
          "%s started again (pid %d), ready in %.1f s"
              .formatted(
                  c.name(), c.pid(), Duration.between(begun, Instant.now()).toMillis() / 1000.0);
      LOG.info(notice);
      notices.accept(notice);
    } catch (IOException | RuntimeException e) {
      // A start that failed outright (no JVM); one that died is handled by exited().
      if (!closing && (c.process == null || !c.process.isAlive())) {
        LOG.warn("{} could not be started again: {}; trying again in 30 s", c.name(), e.toString());
        restarts.schedule(() -> restart(c), MAX_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closing = true;
    }
    restarts.shutdownNow();
    List<Process> running = new ArrayList<>();
    for (Child c : children.values()) {
      Process p = c.process;
      if (p != null && p.isAlive()) {
        p.destroy();
        running.add(p);
      }
    }
    Instant deadline = Instant.now().plus(STOP_GRACE);
    for (Process p : running) {
      try {
        long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
          LOG.warn("pid {} did not stop within {} s; killing it", p.pid(), STOP_GRACE.toSeconds());
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void writeOwnerOnly(Path file, Map<String, Object> properties) throws IOException {
    Properties p = new Properties();
    properties.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "the services of 'opsledger up --fleet' (written at each start; owner-only)");
    }
  }
}
