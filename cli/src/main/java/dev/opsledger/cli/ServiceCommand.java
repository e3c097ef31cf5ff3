package dev.opsledger.cli;

import dev.opsledger.applier.ApplierApplication;
import dev.opsledger.applier.ApplierConfiguration;
import dev.opsledger.collector.StateCollectorApplication;
import dev.opsledger.collector.StateCollectorConfiguration;
import dev.opsledger.differ.DifferApplication;
import dev.opsledger.differ.DifferConfiguration;
import dev.opsledger.gitwatcher.GitWatcherApplication;
import dev.opsledger.gitwatcher.GitWatcherConfiguration;
import dev.opsledger.notifier.NotifierApplication;
import dev.opsledger.notifier.NotifierConfiguration;
import dev.opsledger.service.StreamFunction;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One service as its own JVM, as {@code opsledger up --fleet} runs it ({@link ServiceProcesses}).
 * Hidden: the settings come in a file {@code up} writes into its data directory (owner-only, since
 * it holds the approvals token and Git credentials), so that they never appear in a process
 * listing; they are handed to Spring as command-line properties in memory, so they win over {@code
 * -D} properties exactly as in the one-JVM {@code up}.
 *
 * <p>The process ends with its parent: a {@code kill -9} of {@code up} leaves no service running.
 */
@Command(
    name = "service",
    hidden = true,
    description = "run one OpsLedger service (used by 'opsledger up --fleet')")
final class ServiceCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceCommand.class);

  /** How long a service whose {@code up} is gone takes to stop before it halts. */
  static final Duration STOP_WITHOUT_PARENT = Duration.ofSeconds(10);

  /** The services, in the order {@code up --fleet} starts and lists them. */
  enum Service {
    GIT_WATCHER("git-watcher", GitWatcherApplication.class, GitWatcherConfiguration.FUNCTIONS),
    STATE_COLLECTOR(
        "state-collector", StateCollectorApplication.class, StateCollectorConfiguration.FUNCTIONS),
    DIFFER("differ", DifferApplication.class, DifferConfiguration.FUNCTIONS),
    APPLIER("applier", ApplierApplication.class, ApplierConfiguration.FUNCTIONS),
    NOTIFIER("notifier", NotifierApplication.class, NotifierConfiguration.FUNCTIONS);

    final String id;
    final Class<?> application;
    final List<StreamFunction> functions;

    Service(String id, Class<?> application, List<StreamFunction> functions) {
      this.id = id;
      this.application = application;
      this.functions = functions;
    }

    static Service named(String id) {
      return Arrays.stream(values())
          .filter(s -> s.id.equals(id))
          .findFirst()
          .orElseThrow(
              () ->
                  new CliException(
                      ExitCodes.USAGE,
                      "unknown service '"
                          + id
                          + "'; one of "
                          + Arrays.stream(values()).map(s -> s.id).toList()));
    }
  }

  @Parameters(index = "0", paramLabel = "SERVICE", description = "git-watcher, state-collector, …")
  String name;

  @Option(names = "--config", required = true, description = "the properties file up wrote")
  Path config;

  @Option(names = "--ready-file", required = true, description = "written once the service runs")
  Path readyFile;

  @Option(names = "--http-port", defaultValue = "0", description = "the HTTP port (0: any)")
  int httpPort;

  @Option(
      names = "--replica",
      defaultValue = "1",
      description = "which replica of the service this is, from 1 (up --fleet --replicas)")
  int replica;

  @Override
  public Integer call() throws Exception {
    Service service = Service.named(name);
    // As in the one-JVM fleet: no update check, the CLI's logback.xml only, JUL to SLF4J.
    System.setProperty("axoniq.update-checker.disabled", "true");
    // A differ serving a shared H2 file to its replicas (AUTO_SERVER) listens on loopback only.
    System.setProperty("h2.bindAddress", "127.0.0.1");
    System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    List<String> args = new ArrayList<>();
    Properties settings = new Properties();
    try (Reader in = Files.newBufferedReader(config)) {
      settings.load(in);
    }
    replicaSettings(service, replica, settings);
    settings.stringPropertyNames().forEach(k -> args.add("--" + k + "=" + settings.getProperty(k)));
    args.add("--spring.cloud.function.definition=" + StreamFunction.definition(service.functions));
    args.add("--spring.application.name=opsledger-" + service.id);
    args.add("--opsledger.kafka.source=/opsledger/" + service.id);
    args.add("--server.port=" + httpPort);
    SpringApplication app = new SpringApplication(service.application);
    app.setWebApplicationType(WebApplicationType.SERVLET);
    app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
    ConfigurableApplicationContext context = app.run(args.toArray(String[]::new));
    CountDownLatch closed = new CountDownLatch(1);
    context.addApplicationListener(
        event -> {
          if (event instanceof ContextClosedEvent) {
            closed.countDown();
          }
        });
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          LOG.warn("'opsledger up' (pid {}) is gone; stopping", parent.pid());
                          stopWithin(STOP_WITHOUT_PARENT);
                        }));
    String port = context.getEnvironment().getProperty("local.server.port", "0");
    Path next = readyFile.resolveSibling(readyFile.getFileName() + ".next");
    Files.writeString(next, "pid=" + ProcessHandle.current().pid() + "\nport=" + port + "\n");
    Files.move(next, readyFile, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("{} is up (pid {}, HTTP port {})", service.id, ProcessHandle.current().pid(), port);
    closed.await();
    return ExitCodes.OK;
  }

  /**
   * Stops the JVM gracefully, or halts it when that takes longer than {@code grace}: with {@code
   * up} gone, so are the broker and the emulator it ran, and the Kafka clients' close would wait
   * for them far longer. A halt is what a {@code kill -9} does, which every service survives.
   */
  private static void stopWithin(Duration grace) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(grace.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(1);
            },
            "service-stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.exit(0);
  }

  /** The name of a replica: the service's for the first, {@code <service>-<n>} for the others. */
  static String replicaName(Service service, int replica) {
    return replica == 1 ? service.id : service.id + "-" + replica;
  }

  /**
   * What differs between replicas of a service: the replica's id (the applier's group of its own,
   * the notifier's client ids), and for all but the first, no second approvals port and a Git cache
   * of its own.
   */
  static void replicaSettings(Service service, int replica, Properties settings) {
    String id = replicaName(service, replica);
    if (service == Service.APPLIER) {
      settings.setProperty("opsledger.applier.replica-id", id);
    } else if (service == Service.NOTIFIER) {
      settings.setProperty("opsledger.notifier.replicas.id", id);
    }
    if (replica == 1) {
      return;
    }
    if (service == Service.APPLIER) {
      // Approvals go to the first replica's port; every replica reads them from the log.
      settings.setProperty("opsledger.applier.management.enabled", "false");
    }
    String cache = settings.getProperty("opsledger.git-watcher.cache-dir");
    if (service == Service.GIT_WATCHER && cache != null) {
      settings.setProperty("opsledger.git-watcher.cache-dir", cache + "-" + replica);
    }
  }

  /** Reads a ready file: its {@code pid} and {@code port}. */
  static Properties readReady(Path readyFile) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(readyFile)) {
      p.load(in);
    }
    return p;
  }
}
