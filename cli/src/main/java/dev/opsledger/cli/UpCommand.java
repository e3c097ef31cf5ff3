package dev.opsledger.cli;

import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.OpsLedgerDefaultsPostProcessor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger up}: the whole of OpsLedger in one process on embedded defaults — an on-disk
 * Kafka broker, the five services, the differ's state in an H2 file, a Kubernetes API emulator
 * (unless a kubeconfig is given), a demo Git repository (unless a repository is given), and the
 * audit API. Everything lives under the data directory, so running it again resumes.
 */
@Command(name = "up", description = "Run OpsLedger in one process on embedded defaults.")
public class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = Instance.DEFAULT_DATA_DIR,
      description = "where the log and state live (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(
      names = "--repo",
      description =
          "Git repository URL or path to watch (default: a demo repository made from deploy/examples)")
  String repo;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "branch to watch (default: ${DEFAULT-VALUE})")
  String branch;

  @Option(
      names = "--path",
      defaultValue = "",
      description = "sub-path of the repository holding the manifests")
  String path;

  @Option(names = "--kubeconfig", description = "apply to a real cluster instead of the emulator")
  Path kubeconfig;

  @Option(names = "--context", description = "kubeconfig context (with --kubeconfig)")
  String context;

  @Option(
      names = "--target",
      defaultValue = "sandbox",
      description = "the cluster's name in resource keys (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--no-auto-sync", description = "wait for 'opsledger sync' instead of applying")
  boolean noAutoSync;

  @Option(names = "--no-self-heal", description = "report live edits but do not revert them")
  boolean noSelfHeal;

  @Option(
      names = "--no-prune",
      description = "report resources removed from Git but do not delete them")
  boolean noPrune;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description =
          "use this Kafka cluster instead of the embedded broker, e.g. one 'opsledger broker'"
              + " runs (client settings: -Dopsledger.kafka.properties.* in OPSLEDGER_JAVA_OPTS)")
  String kafka;

  @Option(
      names = "--kafka-port",
      defaultValue = "19092",
      description =
          "embedded broker port; the controller uses the next one (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(
      names = "--kube-port",
      defaultValue = "19443",
      description = "Kubernetes emulator port (default: ${DEFAULT-VALUE})")
  int kubePort;

  @Option(
      names = "--http-port",
      defaultValue = "19080",
      description = "services' HTTP port: webhooks, health (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--management-port",
      defaultValue = "19082",
      description = "the applier's management port: approvals (default: ${DEFAULT-VALUE})")
  int managementPort;

  @Option(
      names = "--audit-port",
      defaultValue = "19081",
      description = "audit API port (default: ${DEFAULT-VALUE})")
  int auditPort;

  @Option(
      names = "--poll-interval",
      defaultValue = "5s",
      description = "how often the repository is polled (default: ${DEFAULT-VALUE})")
  String pollInterval;

  @Option(
      names = "--status-interval",
      defaultValue = "5",
      description = "seconds between status tables; 0 prints none (default: ${DEFAULT-VALUE})")
  int statusInterval;

  @Option(
      names = "--slack-webhook-url",
      defaultValue = "${env:OPSLEDGER_SLACK_WEBHOOK_URL}",
      description = "Slack incoming webhook for alerts (default: $OPSLEDGER_SLACK_WEBHOOK_URL)")
  String slackWebhookUrl;

  @Option(
      names = "--git-credentials-file",
      description =
          "credentials of an https --repo, as git's credential store writes them"
              + " (https://user:token@host per line); or $OPSLEDGER_GIT_TOKEN,"
              + " $OPSLEDGER_GIT_USERNAME, $OPSLEDGER_GIT_PASSWORD. Never in the URL")
  Path gitCredentialsFile;

  @Option(
      names = "--kustomize",
      paramLabel = "DIR",
      description =
          "a Kustomize directory of --repo (from its root, inside --path) rendered with"
              + " 'kustomize build' or 'kubectl kustomize'; repeatable")
  List<String> kustomize = new ArrayList<>();

  @Option(
      names = "--helm-chart",
      paramLabel = "DIR[:VALUES,...]",
      description =
          "a Helm chart directory of --repo (from its root, inside --path), rendered in-process,"
              + " with its values files from the same revision in order; repeatable")
  List<String> helmCharts = new ArrayList<>();

  @Option(
      names = "--fleet",
      description =
          "run each service (git-watcher, state-collector, differ, applier, notifier) in its own"
              + " JVM, started again if it dies; logs in opsledger-<service>.log")
  boolean fleet;

  @Option(
      names = "--replicas",
      split = ",",
      paramLabel = "SERVICE=N",
      description =
          "with --fleet, run N JVMs of a service, e.g. applier=2,differ=2,notifier=2 (the differs"
              + " share one event store: the H2 file in mixed mode, or spring.datasource.url)")
  Map<String, Integer> replicas = new LinkedHashMap<>();

  @Option(
      names = "--exit-when-synced",
      description = "stop once every declared resource is in sync (for scripts and timing)")
  boolean exitWhenSynced;

  /** The source's render settings for {@code --kustomize} and {@code --helm-chart}. */
  static Map<String, Object> renderProperties(List<String> kustomize, List<String> helmCharts) {
    Map<String, Object> p = new LinkedHashMap<>();
    String source = "opsledger.git-watcher.sources[0].render.";
    for (int i = 0; i < kustomize.size(); i++) {
      p.put(source + "kustomize.paths[" + i + "]", kustomize.get(i));
    }
    for (int i = 0; i < helmCharts.size(); i++) {
      String chart = helmCharts.get(i);
      int colon = chart.indexOf(':');
      String dir = colon < 0 ? chart : chart.substring(0, colon);
      if (dir.isBlank()) {
        throw new CliException(
            ExitCodes.USAGE,
            "--helm-chart needs a chart directory: DIR[:VALUES,...], not " + chart);
      }
      p.put(source + "helm.charts[" + i + "].path", dir);
      if (colon >= 0 && colon < chart.length() - 1) {
        p.put(source + "helm.charts[" + i + "].values", chart.substring(colon + 1));
      }
    }
    return p;
  }

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Launcher.Running running;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    RepoCredentials.refuseInUrl(repo);
    Map<String, Object> credentials =
        new LinkedHashMap<>(RepoCredentials.properties(repo, System.getenv(), gitCredentialsFile));
    credentials.putAll(renderProperties(kustomize, helmCharts));
    if (!replicas.isEmpty() && !fleet) {
      throw new CliException(ExitCodes.USAGE, "--replicas needs --fleet");
    }
    replicas.forEach(
        (service, count) -> {
          ServiceCommand.Service.named(service);
          if (count < 1) {
            throw new CliException(
                ExitCodes.USAGE, "--replicas " + service + "=" + count + ": at least 1");
          }
          credentials.put(Launcher.REPLICAS + service, count);
        });
    Instant started = Instant.now();
    Path data = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(data);
    // Before the first logger exists: everything but errors goes to the data directory's log,
    // in the format asked for (a wrong one is refused here, not silently replaced by text).
    logFormat();
    System.setProperty("opsledger.log.file", data.resolve("opsledger.log").toString());
    Thread hook = new Thread(this::stop, "opsledger-up-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("Starting OpsLedger in " + data + " ...");
    out.flush();
    try {
      running =
          Launcher.start(
              new Launcher.Settings(
                  data,
                  repo,
                  branch,
                  path,
                  kubeconfig,
                  context,
                  target,
                  !noAutoSync,
                  !noSelfHeal,
                  !noPrune,
                  kafkaPort,
                  kubePort,
                  httpPort,
                  auditPort,
                  managementPort,
                  pollInterval,
                  slackWebhookUrl,
                  credentials,
                  kafka,
                  fleet),
              new Launcher.Progress() {
                @Override
                public void ready(String part, Duration took) {
                  out.printf("  %-20s ready in %.1f s%n", part, took.toMillis() / 1000.0);
                  out.flush();
                }

                @Override
                public void notice(String what) {
                  out.println("! " + what);
                  out.flush();
                }
              });
      banner(out, running);
      return watch(out, running.bootstrapServers(), started);
    } finally {
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already stopping: the hook runs (or ran) stop().
      }
    }
  }

  private static void logFormat() {
    String format =
        System.getProperty("opsledger.log.format", System.getenv("OPSLEDGER_LOG_FORMAT"));
    try {
      OpsLedgerDefaultsPostProcessor.structuredFormat(format);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
  }

  private void banner(PrintWriter out, Launcher.Running r) {
    out.println("OpsLedger is up (" + r.startup().toMillis() + " ms).");
    out.println("  data:        " + r.dataDir() + "   (log: opsledger.log)");
    out.println(
        "  kafka:       "
            + r.bootstrapServers()
            + "   (opsledger status | diff | audit … read it)");
    out.println("  kubernetes:  export KUBECONFIG=" + r.kubeconfig());
    out.println("  repository:  " + r.repoUrl());
    if (r.demoWork() != null) {
      out.println(
          "               edit and commit in "
              + r.demoWork()
              + ", then: git -C "
              + r.demoWork()
              + " push origin main");
    }
    if (r.services() != null) {
      for (ServiceProcesses.Child c : r.services().children()) {
        out.printf(
            "  %-16s pid %-8d http://127.0.0.1:%d/actuator/prometheus   (log: opsledger-%s.log)%n",
            c.name() + ":", c.pid(), c.port(), c.name());
      }
    }
    out.println("  audit API:   " + r.auditUrl() + "state?at=" + Instant.now());
    // The audit server serves the web view at its root; the page asks for the API token.
    out.println(
        "  web view:    "
            + r.auditUrl().replaceFirst("api/v1/$", "")
            + "   (asks for the API token)");
    out.println("  approvals:   " + r.approvalsUrl() + "   (opsledger sync uses it)");
    out.println(
        "  API token:   "
            + r.dataDir().resolve(ApiToken.FILE)
            + "   (Authorization: Bearer …, for both APIs)");
    out.println("Ctrl-C stops; running it again resumes with the log and state intact.");
    out.flush();
  }

  private int watch(PrintWriter out, String bootstrap, Instant started)
      throws InterruptedException {
    if (statusInterval <= 0 && !exitWhenSynced) {
      // No table to print and nothing to wait for: just run until stopped.
      stopped.await();
      return ExitCodes.OK;
    }
    long interval = Math.max(1, statusInterval);
    List<List<String>> printed = null;
    boolean hinted = false;
    // Follows the log: each round reads only what was written since the last one.
    CurrentState.Follower follower = new CurrentState.Follower(KafkaConnection.of(bootstrap));
    while (!stopped.await(interval, TimeUnit.SECONDS)) {
      CurrentState state;
      try {
        state = follower.refresh();
      } catch (CliException e) {
        out.println("status unavailable: " + e.getMessage());
        continue;
      }
      if (statusInterval > 0) {
        // A table only when something changed: an unchanged one every few seconds buries the rest.
        List<List<String>> rows = rows(state);
        if (!rows.equals(printed)) {
          printStatus(out, rows, state.warnings());
          printed = rows;
        }
        if (!hinted) {
          hinted = hint(out, state);
        }
        out.flush();
      }
      if (exitWhenSynced && allInSync(state)) {
        out.println(
            "All declared resources in sync "
                + Duration.between(started, Instant.now()).toMillis()
                + " ms after start.");
        out.flush();
        return ExitCodes.OK;
      }
    }
    return ExitCodes.OK;
  }

  /**
   * Once a declared resource is in sync, suggests a live edit of it, built from what is declared:
   * deleting a ConfigMap (or else a Deployment) that Git declares. Nothing when none is.
   *
   * @return whether the hint was printed, or can no longer be
   */
  private boolean hint(PrintWriter out, CurrentState state) {
    if (state.resources().isEmpty()) {
      return false;
    }
    var candidate =
        state.resources().stream()
            .filter(r -> r.declared() && r.hasState(DiffState.IN_SYNC))
            .map(ResourceState::resource)
            .filter(k -> k.apiGroup().isEmpty() || k.apiGroup().equals("apps"))
            .filter(k -> !k.namespace().isEmpty())
            .filter(k -> k.kind().equals("ConfigMap") || k.kind().equals("Deployment"))
            .min(
                java.util.Comparator.comparing((ResourceKey k) -> !k.kind().equals("ConfigMap"))
                    .thenComparing(ResourceKey::toString));
    if (candidate.isEmpty()) {
      return allInSync(state);
    }
    ResourceKey k = candidate.get();
    out.println();
    out.println(
        "Try a live edit: kubectl -n "
            + k.namespace()
            + " delete "
            + k.kind().toLowerCase(java.util.Locale.ROOT)
            + " "
            + k.name()
            + (noSelfHeal
                ? "   # then 'opsledger diff' reports it missing"
                : "   # OpsLedger puts it back within seconds"));
    // A heal can be over before the next table: the history shows every step of it.
    out.println("  then see what happened: ./opsledger audit history " + k.shortName());
    return true;
  }

  private static List<List<String>> rows(CurrentState state) {
    return state.resources().stream()
        .map(
            r ->
                List.of(
                    r.resource().shortName(),
                    r.syncState(),
                    r.health(),
                    r.declared() ? Printer.shortSha(r.declaredRevision()) : "(not declared)",
                    r.observed(),
                    r.lastApply() == null ? "-" : r.lastApply()))
        .toList();
  }

  static boolean allInSync(CurrentState state) {
    var declared = state.resources().stream().filter(r -> r.declared()).toList();
    return !declared.isEmpty() && declared.stream().allMatch(r -> r.hasState(DiffState.IN_SYNC));
  }

  private static void printStatus(PrintWriter out, List<List<String>> rows, List<String> warnings) {
    out.println();
    out.println("— " + Instant.now() + " —");
    if (rows.isEmpty()) {
      out.println("No resource yet: waiting for the first commit to be read.");
    } else {
      Printer.table(
          out, List.of("RESOURCE", "SYNC", "HEALTH", "REVISION", "LIVE", "LAST APPLY"), rows);
    }
    warnings.forEach(w -> out.println("warning: " + w));
  }

  /** Stops everything in reverse order of start; safe to call twice. */
  void stop() {
    stopped.countDown();
    Launcher.Running r = running;
    running = null;
    if (r != null) {
      r.close();
    }
  }
}
