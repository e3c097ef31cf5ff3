package dev.opsledger.cli;

import dev.opsledger.applier.web.ManagementServer;
import dev.opsledger.audit.AuditHttpServer;
import dev.opsledger.audit.AuditService;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.SecretKeys;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts and stops everything {@code opsledger up} runs, in order: lock, key and API token, broker,
 * emulator, repository, services, audit API, instance file. The end-to-end tests use it directly.
 */
public final class Launcher {

  private Launcher() {}

  /**
   * What to run.
   *
   * @param dataDir where the log and state live
   * @param repo repository URL or path, or {@code null} for the demo repository
   * @param branch the branch to watch
   * @param path the sub-path of the manifests, or empty
   * @param kubeconfig a real cluster's kubeconfig, or {@code null} for the emulator
   * @param context the kubeconfig context, or {@code null}
   * @param target the cluster's name in resource keys
   * @param autoSync apply without approval
   * @param selfHeal revert live edits
   * @param prune delete what Git no longer declares
   * @param kafkaPort the broker port (0: any), the controller takes the next one when fixed
   * @param kubePort the emulator port (0: any)
   * @param httpPort the services' HTTP port (0: any)
   * @param auditPort the audit API port (0: any)
   * @param managementPort the applier's management port, which serves approvals (0: any)
   * @param pollInterval the repository poll interval, e.g. {@code 5s}
   * @param slackWebhookUrl a Slack incoming webhook, or {@code null}
   * @param extra further service properties, e.g. notifier channels
   * @param kafka the bootstrap servers of a Kafka cluster to use instead of the embedded broker, or
   *     {@code null} for the embedded one
   * @param fleet each service in its own JVM, supervised ({@code up --fleet}), instead of all five
   *     in this one
   */
  public record Settings(
      Path dataDir,
      String repo,
      String branch,
      String path,
      Path kubeconfig,
      String context,
      String target,
      boolean autoSync,
      boolean selfHeal,
      boolean prune,
      int kafkaPort,
      int kubePort,
      int httpPort,
      int auditPort,
      int managementPort,
      String pollInterval,
      String slackWebhookUrl,
      Map<String, Object> extra,
      String kafka,
      boolean fleet) {

    /** Settings of services that share this JVM. */
    public Settings(
        Path dataDir,
        String repo,
        String branch,
        String path,
        Path kubeconfig,
        String context,
        String target,
        boolean autoSync,
        boolean selfHeal,
        boolean prune,
        int kafkaPort,
        int kubePort,
        int httpPort,
        int auditPort,
        int managementPort,
        String pollInterval,
        String slackWebhookUrl,
        Map<String, Object> extra,
        String kafka) {
      this(
          dataDir,
          repo,
          branch,
          path,
          kubeconfig,
          context,
          target,
          autoSync,
          selfHeal,
          prune,
          kafkaPort,
          kubePort,
          httpPort,
          auditPort,
          managementPort,
          pollInterval,
          slackWebhookUrl,
          extra,
          kafka,
          false);
    }

    /** Settings with the embedded broker. */
    public Settings(
        Path dataDir,
        String repo,
        String branch,
        String path,
        Path kubeconfig,
        String context,
        String target,
        boolean autoSync,
        boolean selfHeal,
        boolean prune,
        int kafkaPort,
        int kubePort,
        int httpPort,
        int auditPort,
        int managementPort,
        String pollInterval,
        String slackWebhookUrl,
        Map<String, Object> extra) {
      this(
          dataDir,
          repo,
          branch,
          path,
          kubeconfig,
          context,
          target,
          autoSync,
          selfHeal,
          prune,
          kafkaPort,
          kubePort,
          httpPort,
          auditPort,
          managementPort,
          pollInterval,
          slackWebhookUrl,
          extra,
          null);
    }

    /** Whether {@code up} runs its own broker rather than using {@link #kafka()}. */
    boolean embeddedBroker() {
      return kafka == null || kafka.isBlank();
    }
  }

  /** A running OpsLedger; closing it stops everything in reverse order. */
  public static final class Running implements AutoCloseable {
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final Path dataDir;
    private String bootstrapServers;
    private Path kubeconfig;
    private KubernetesEmulator emulator;
    private String repoUrl;
    private Path demoWork;
    private String auditUrl;
    private String approvalsUrl;
    private String token;
    private Duration startup;
    private ServiceProcesses services;

    private Running(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** The broker's address. */
    public String bootstrapServers() {
      return bootstrapServers;
    }

    /** The kubeconfig of the cluster OpsLedger applies to. */
    public Path kubeconfig() {
      return kubeconfig;
    }

    /** The emulator, or {@code null} with a real cluster. */
    public KubernetesEmulator emulator() {
      return emulator;
    }

    /** The watched repository. */
    public String repoUrl() {
      return repoUrl;
    }

    /** The demo repository's working clone, or {@code null}. */
    public Path demoWork() {
      return demoWork;
    }

    /** The audit API's base URL. */
    public String auditUrl() {
      return auditUrl;
    }

    /** The approvals endpoint on the applier's management port. */
    public String approvalsUrl() {
      return approvalsUrl;
    }

    /** The bearer token of the approvals and audit APIs ({@code <data-dir>/api-token}). */
    public String token() {
      return token;
    }

    /** The data directory. */
    public Path dataDir() {
      return dataDir;
    }

    /** The services' JVMs with {@code --fleet}, else {@code null}. */
    ServiceProcesses services() {
      return services;
    }

    /** How long start-up took. */
    public Duration startup() {
      return startup;
    }

    @Override
    public synchronized void close() {
      try {
        Instance.remove(dataDir);
      } catch (IOException e) {
        // A stale instance file only misleads other commands until the next start.
      }
      while (!parts.isEmpty()) {
        try {
          parts.pop().close();
        } catch (Exception e) {
          System.err.println("while stopping: " + e);
        }
      }
    }
  }

  /** Starts everything; on failure, stops what had started and rethrows. */
  public static Running start(Settings s) throws IOException {
    return start(s, (part, took) -> {});
  }

  /** Hears of each part as it becomes ready. */
  @FunctionalInterface
  public interface Progress {
    /**
     * A part is ready.
     *
     * @param part what started, e.g. {@code "broker"}
     * @param took how long it took
     */
    void ready(String part, Duration took);

    /**
     * Something happened to a running part, e.g. a service of the fleet died and is started again.
     */
    default void notice(String what) {}
  }

  /**
   * Starts everything, telling {@code progress} of each part; on failure, stops what had started.
   */
  public static Running start(Settings s, Progress progress) throws IOException {
    Instant started = Instant.now();
    Path data = s.dataDir().toAbsolutePath().normalize();
    Files.createDirectories(data);
    Running r = new Running(data);
    try {
      lock(data, r);
      SecretKeys.createIfAbsent(data.resolve("secret.key"));
      r.token = ApiToken.createIfAbsent(data);
      if (s.embeddedBroker()) {
        requireFree(s.kafkaPort(), "--kafka-port");
        requireFree(
            s.kafkaPort() == 0 ? 0 : s.kafkaPort() + 1, "--kafka-port (controller: port + 1)");
      }
      if (s.kubeconfig() == null) {
        requireFree(s.kubePort(), "--kube-port");
      }
      requireFree(s.httpPort(), "--http-port");
      requireFree(s.auditPort(), "--audit-port");
      requireFree(s.managementPort(), "--management-port");
      // Logging is set up here, on one thread: set up by two threads at once, SLF4J replays the
      // calls it held back during that and says so on the terminal.
      LoggerFactory.getILoggerFactory();
      Instant phase = Instant.now();
      // The emulator and the demo repository need nothing of the broker: they start beside it,
      // and are awaited (and reported, in this order) before the services, which need all three.
      CompletableFuture<Started<KubernetesEmulator>> emulator =
          s.kubeconfig() == null
              ? beside(
                  () ->
                      KubernetesEmulator.builder()
                          .port(s.kubePort())
                          .dataDirectory(data.resolve("cluster"))
                          .start())
              : null;
      CompletableFuture<Started<DemoRepository>> demo =
          s.repo() == null
              ? beside(() -> DemoRepository.createIfAbsent(data.resolve("demo")))
              : null;
      Started<KubernetesEmulator> emulatorStarted = null;
      Started<DemoRepository> demoStarted = null;
      RuntimeException brokerFailed = null;
      try {
        if (s.embeddedBroker()) {
          EmbeddedKafkaBroker broker =
              EmbeddedKafkaBroker.builder()
                  .dataDir(data.resolve("kafka"))
                  .brokerPort(s.kafkaPort())
                  .controllerPort(s.kafkaPort() == 0 ? 0 : s.kafkaPort() + 1)
                  .build()
                  .start();
          r.parts.push(broker);
          r.bootstrapServers = broker.bootstrapServers();
          progress.ready("broker", Duration.between(phase, Instant.now()));
        } else {
          // The services wait for the cluster and create their topics on it, as in a fleet.
          r.bootstrapServers = s.kafka().strip();
        }
      } catch (RuntimeException e) {
        brokerFailed = e;
        throw e;
      } finally {
        // Whatever happens to the broker, an emulator started beside it is stopped with the rest;
        // a failure beside it is reported, or added to the broker's.
        try {
          if (emulator != null) {
            emulatorStarted = join(emulator);
            r.emulator = emulatorStarted.part();
            r.parts.push(r.emulator);
          }
          if (demo != null) {
            demoStarted = join(demo);
          }
        } catch (IOException | RuntimeException e) {
          if (brokerFailed == null) {
            throw e;
          }
          brokerFailed.addSuppressed(e);
        }
      }
      r.kubeconfig = s.kubeconfig();
      if (emulatorStarted != null) {
        r.kubeconfig = r.emulator.writeKubeconfig(data.resolve("kubeconfig"));
        progress.ready("kubernetes emulator", emulatorStarted.took());
      }
      r.repoUrl = s.repo();
      if (demoStarted != null) {
        r.repoUrl = demoStarted.part().url();
        r.demoWork = demoStarted.part().work();
        progress.ready("demo repository", demoStarted.took());
      }
      phase = Instant.now();
      if (s.fleet()) {
        int management = s.managementPort() == 0 ? freePort() : s.managementPort();
        Map<String, Object> properties = fleetProperties(s, data, r);
        Fleet.managementProperties(properties, management, ApiToken.identity(), r.token);
        // Each service has a port of its own; the git-watcher's is --http-port (webhooks).
        properties.remove("server.port");
        Map<ServiceCommand.Service, Integer> replicas = replicas(properties);
        if (replicas.getOrDefault(ServiceCommand.Service.DIFFER, 1) > 1) {
          Fleet.sharedDifferStore(properties, data.resolve("differ"));
        }
        if (replicas.getOrDefault(ServiceCommand.Service.NOTIFIER, 1) > 1) {
          // Notifier replicas share a view of the log and one coordinator (notifier README).
          properties.put("opsledger.notifier.replicas.enabled", "true");
        }
        r.services =
            new ServiceProcesses(data, properties, s.httpPort(), replicas, progress::notice);
        r.parts.push(r.services);
        r.services.start();
        r.approvalsUrl = "http://127.0.0.1:" + management + ManagementServer.APPROVALS;
      } else {
        ConfigurableApplicationContext fleet = Fleet.start(fleetProperties(s, data, r));
        r.parts.push(fleet);
        r.approvalsUrl =
            "http://127.0.0.1:"
                + fleet.getBean(ManagementServer.class).port()
                + ManagementServer.APPROVALS;
      }
      phase = ready(progress, "services", phase);
      AuditHttpServer audit =
          new AuditHttpServer(
              new AuditService(r.bootstrapServers),
              new InetSocketAddress("127.0.0.1", s.auditPort()),
              r.token);
      r.parts.push(audit);
      r.auditUrl = "http://127.0.0.1:" + audit.port() + "/api/v1/";
      ready(progress, "audit API", phase);
      new Instance(
              r.bootstrapServers,
              r.kubeconfig.toString(),
              r.auditUrl,
              r.approvalsUrl,
              ProcessHandle.current().pid(),
              started)
          .write(data);
      r.startup = Duration.between(started, Instant.now());
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** A part started beside the broker, and how long its start took. */
  private record Started<T>(T part, Duration took) {}

  /** A start that can fail as the parts' starts do. */
  @FunctionalInterface
  private interface Start<T> {
    T start() throws IOException;
  }

  /** Starts a part on a thread of its own, timed from its own start. */
  private static <T> CompletableFuture<Started<T>> beside(Start<T> start) {
    CompletableFuture<Started<T>> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              Instant from = Instant.now();
              try {
                T part = start.start();
                f.complete(new Started<>(part, Duration.between(from, Instant.now())));
              } catch (IOException | RuntimeException | Error e) {
                f.completeExceptionally(e);
              }
            },
            "opsledger-up-start");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** The started part, or its start's own failure rethrown. */
  private static <T> Started<T> join(CompletableFuture<Started<T>> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private static Instant ready(Progress progress, String part, Instant since) {
    Instant now = Instant.now();
    progress.ready(part, Duration.between(since, now));
    return now;
  }

  /** The prefix of {@code up --fleet --replicas}' counts among the settings, per service. */
  static final String REPLICAS = "opsledger.up.replicas.";

  /**
   * Takes the replica counts out of the services' settings ({@value #REPLICAS}{@code <service>}).
   */
  static Map<ServiceCommand.Service, Integer> replicas(Map<String, Object> properties) {
    Map<ServiceCommand.Service, Integer> counts =
        new java.util.EnumMap<>(ServiceCommand.Service.class);
    for (String key : java.util.List.copyOf(properties.keySet())) {
      if (key.startsWith(REPLICAS)) {
        Object count = properties.remove(key);
        counts.put(
            ServiceCommand.Service.named(key.substring(REPLICAS.length())),
            Integer.parseInt(String.valueOf(count)));
      }
    }
    return counts;
  }

  private static Map<String, Object> fleetProperties(Settings s, Path data, Running r) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("opsledger.kafka.bootstrap-servers", r.bootstrapServers);
    if (s.embeddedBroker()) {
      p.put("opsledger.kafka.replication-factor", "1");
    }
    p.put("opsledger.secrets.key-file", data.resolve("secret.key").toString());
    p.put("server.port", Integer.toString(s.httpPort()));
    p.put("server.address", "127.0.0.1");
    // One local user: two idle request threads instead of Tomcat's ten.
    p.put("server.tomcat.threads.min-spare", "2");
    Fleet.sourceProperties(
        p,
        "demo",
        r.repoUrl,
        s.branch(),
        s.path(),
        s.target(),
        s.pollInterval(),
        data.resolve("git-cache"));
    Fleet.kubernetesProperties(p, s.target(), r.kubeconfig, s.context());
    Fleet.differProperties(p, data.resolve("differ"));
    Fleet.applierProperties(p, "demo", s.autoSync(), s.selfHeal(), s.prune());
    Fleet.managementProperties(p, s.managementPort(), ApiToken.identity(), r.token);
    if (s.slackWebhookUrl() != null && !s.slackWebhookUrl().isBlank()) {
      p.put("opsledger.notifier.channels.slack.type", "slack");
      p.put("opsledger.notifier.channels.slack.url", s.slackWebhookUrl());
    }
    p.putAll(s.extra());
    return p;
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Kafka halts the JVM when it cannot bind: check first, and say which option to change. */
  static void requireFree(int port, String option) {
    if (port == 0) {
      return;
    }
    try (var socket = new java.net.ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "port "
              + port
              + " on 127.0.0.1 is in use (another 'opsledger up'?); choose another with "
              + option);
    }
  }

  private static void lock(Path data, Running r) throws IOException {
    RandomAccessFile file = new RandomAccessFile(data.resolve("lock").toFile(), "rw");
    FileLock lock = file.getChannel().tryLock();
    if (lock == null) {
      file.close();
      throw new CliException(ExitCodes.USAGE, "another 'opsledger up' is running on " + data);
    }
    r.parts.push(
        () -> {
          lock.release();
          file.close();
        });
  }
}
