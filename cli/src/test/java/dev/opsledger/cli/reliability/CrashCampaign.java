package dev.opsledger.cli.reliability;

import static dev.opsledger.testkit.TestAwait.await;

import dev.opsledger.cli.CurrentState;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Crash runs against one {@code opsledger up} system: for each run, a commit that changes every one
 * of the workload's {@value Workload#TOTAL} resources (and prunes some), live edits at a random
 * moment, a {@code kill -9} at a later random moment, a restart, and a wait until the live objects
 * match Git and the log says every declared resource is in sync. Then the run's figures are read
 * from the log and the receivers.
 *
 * <p>All random choices (removals, edits, both moments) come from the campaign seed: the same seed
 * makes the same runs, though the machine's speed decides what was in flight at each kill.
 */
final class CrashCampaign implements AutoCloseable {

  static final String TARGET = "rel";
  static final String SOURCE = "demo";

  /** The campaign's knobs. */
  record Settings(long seed, Duration maxKillDelay, Duration convergeWithin) {}

  /**
   * One run's figures.
   *
   * @param run the run's number, from 1
   * @param killAfter how long after the push the process was killed
   * @param tampered the live edits made before the kill
   * @param converged whether the live state matched Git and the log said in sync in time
   * @param convergedIn from the restart to convergence
   * @param mismatches what still differed when the wait gave up (empty when converged)
   * @param log what the log says about the run's revision
   * @param slackDuplicates Slack messages delivered again with the same content, during the run
   * @param webhookDuplicates webhook deliveries repeated with the same {@code ce-id}, during the
   *     run
   * @param deadLetters records in dead-letter topics, in total so far
   */
  record Run(
      int run,
      Duration killAfter,
      List<String> tampered,
      boolean converged,
      Duration convergedIn,
      List<String> mismatches,
      LogLedger.Counts log,
      int slackDuplicates,
      int webhookDuplicates,
      int deadLetters) {}

  private final Settings settings;
  private final Random random;
  private final Workload workload;
  private final GitFixture git;
  private final CountingReceiver slack = CountingReceiver.start();
  private final CountingReceiver webhook = CountingReceiver.start();
  private final UpProcess up;
  private final LogLedger ledger;
  private final Consumer<String> say;
  private final Path clusterKubeconfig;
  private KubernetesClient client;
  private int runs;
  private boolean approveEachRevision;

  CrashCampaign(Path dir, Settings settings, Consumer<String> say) {
    this(dir, settings, say, null);
  }

  /**
   * A campaign whose {@code up} applies to the cluster of {@code clusterKubeconfig} (a real API
   * server) instead of its own emulator; {@code null} for the emulator.
   */
  CrashCampaign(Path dir, Settings settings, Consumer<String> say, Path clusterKubeconfig) {
    this(dir, settings, say, clusterKubeconfig, Workload.CONFIG_MAPS);
  }

  /** A campaign whose workload has {@code configMaps} ConfigMaps. */
  CrashCampaign(
      Path dir, Settings settings, Consumer<String> say, Path clusterKubeconfig, int configMaps) {
    this.workload = new Workload(TARGET, configMaps);
    this.settings = settings;
    this.clusterKubeconfig = clusterKubeconfig;
    this.random = new Random(settings.seed());
    this.say = say;
    this.git = GitFixture.create(dir.resolve("git"));
    this.up =
        new UpProcess(dir.resolve("checkout"), git.remoteUrl(), TARGET)
            .option("--slack-webhook-url", slack.url("/slack"))
            .property("opsledger.notifier.channels.hook.type", "webhook")
            .property("opsledger.notifier.channels.hook.url", webhook.url("/hook"))
            .property("opsledger.notifier.channels.hook.secret", "reliability-hmac")
            // Notices for hundreds of resources at Slack's real pace would queue for minutes;
            // what is counted here is repeats, not pace.
            .property("opsledger.notifier.rate-limit.burst", "100")
            .property("opsledger.notifier.rate-limit.per-second", "100")
            // The applier backs off to 3 minutes by default; a shorter cap keeps a run short.
            .property("opsledger.applier.retry.max-backoff", "10s");
    if (clusterKubeconfig != null) {
      up.option("--kubeconfig", clusterKubeconfig.toString());
    }
    this.ledger = new LogLedger(up.bootstrapServers());
  }

  UpProcess up() {
    return up;
  }

  /**
   * Approves each revision right after its push, through the applier's approvals API, as an
   * operator of a source without auto-sync does ({@code up --no-auto-sync}).
   */
  CrashCampaign approvingEachRevision() {
    this.approveEachRevision = true;
    return this;
  }

  private String push(Workload.Revision rev) {
    String sha = workload.push(git, rev);
    if (approveEachRevision) {
      approve(sha);
    }
    return sha;
  }

  private void approve(String sha) {
    try {
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(up.managementBase() + "/api/v1/approvals"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + up.token())
              .POST(
                  java.net.http.HttpRequest.BodyPublishers.ofString(
                      "{\"sourceId\":\"" + SOURCE + "\",\"revision\":\"" + sha + "\"}"))
              .build();
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "the approval of "
                + sha
                + " was refused: "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The campaign's canary scan (the security issue's, point 5 of the reliability issue): every
   * record of every topic, {@code up}'s log and terminal, and every body the receivers got, for any
   * Secret value of the workload, plain or in base64. Call it while {@code up}'s files exist.
   */
  CanaryScan canaryScan() {
    CanaryScan scan =
        CanaryScan.of(List.of(Workload.CANARY))
            .topics(up.bootstrapServers())
            .file(up.logFile())
            .file(up.terminal())
            .texts("slack", slack.bodies())
            .texts("webhook", webhook.bodies());
    up.serviceLogs().forEach(scan::file);
    return scan;
  }

  GitFixture git() {
    return git;
  }

  CountingReceiver slack() {
    return slack;
  }

  CountingReceiver webhook() {
    return webhook;
  }

  LogLedger ledger() {
    return ledger;
  }

  Workload workload() {
    return workload;
  }

  /**
   * The client of the cluster {@code up} applies to: the emulator it runs (valid across restarts:
   * same port, same CA), or the real API server.
   */
  KubernetesClient client() {
    if (client == null) {
      Path kubeconfig = clusterKubeconfig != null ? clusterKubeconfig : up.kubeconfig();
      try {
        client =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                .build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client;
  }

  /**
   * Finishes the prunes' foreground deletions as kube-controller-manager's garbage collector would.
   * A test API server runs none: a pruned ConfigMap keeps its {@code foregroundDeletion} finalizer
   * and stays live (Terminating) for ever, so the collector never reports it absent, the differ
   * keeps it {@code EXTRANEOUS} (never {@code REMOVED}), and the notifier's summary of its commit,
   * which waits until every resource the commit declared or removed has settled, is never due (not
   * before the 15-minute settle timeout). Returns how many deletions it finished.
   */
  int collectGarbage() {
    int finished = 0;
    for (var cm : client().configMaps().inNamespace(Workload.NAMESPACE).list().getItems()) {
      if (cm.getMetadata().getDeletionTimestamp() != null) {
        try {
          RealKubernetes.collectGarbage(client(), Workload.NAMESPACE, cm.getMetadata().getName());
          finished++;
        } catch (KubernetesClientException e) {
          // A conflict with the applier or the object already gone: the next call sees it again.
        }
      }
    }
    return finished;
  }

  /** Starts {@code up} and syncs revision 0 of the workload, without a crash. */
  Workload.Revision start() {
    up.start();
    up.awaitUp(Duration.ofMinutes(10));
    Workload.Revision rev = workload.revision(0, random);
    String sha = push(rev);
    Instant pushed = Instant.now();
    awaitConverged(rev, sha, settings.convergeWithin());
    say.accept(
        "revision 0 (%d resources) in sync %.1f s after the push"
            .formatted(workload.total(), secondsSince(pushed)));
    return rev;
  }

  /** One crash run of the whole of {@code up}; the system is up before and after. */
  Run run() {
    return run(null);
  }

  /**
   * One crash run that kills only {@code service} of {@code up --fleet}, which {@code up} starts
   * again; or, for {@code null}, the whole of {@code up}, which the campaign starts again.
   */
  Run run(String service) {
    int n = ++runs;
    long killMillis = 1 + random.nextLong(settings.maxKillDelay().toMillis());
    long tamperMillis = random.nextLong(killMillis);
    Workload.Revision rev = workload.revision(n, random);
    var slackBefore = slack.snapshot();
    var webhookBefore = webhook.snapshot();
    String sha = push(rev);
    Instant pushed = Instant.now();
    waitUntil(pushed.plusMillis(tamperMillis), "the moment of the live edits");
    List<String> tampered = workload.tamper(client(), rev, random, 3);
    waitUntil(pushed.plusMillis(killMillis), "the moment of the kill");
    Duration killAfter;
    Instant restarted;
    if (service == null) {
      up.kill9();
      killAfter = Duration.between(pushed, Instant.now());
      restarted = Instant.now();
      up.start();
      up.awaitUp(Duration.ofMinutes(10));
    } else {
      long pid = up.killService(service);
      killAfter = Duration.between(pushed, Instant.now());
      restarted = Instant.now();
      up.awaitServiceRestarted(service, pid, Duration.ofMinutes(10));
    }
    List<String> mismatches = converge(rev, sha);
    boolean converged = mismatches.isEmpty();
    Duration in = Duration.between(restarted, Instant.now());
    LogLedger.Counts counts = ledger.count(sha, workload.changing(rev), workload.removed(rev));
    Run r =
        new Run(
            n,
            killAfter,
            tampered,
            converged,
            in,
            mismatches,
            counts,
            newDuplicates(slackBefore, slack.snapshot()),
            newDuplicates(webhookBefore, webhook.snapshot()),
            ledger.deadLetters().size());
    say.accept(line(r));
    return r;
  }

  /**
   * One dependency-fault run: pushes the next revision and, once its sync has begun (the first of
   * its ConfigMaps is live), runs {@code fault}, which takes a dependency away and gives it back
   * while {@code up} keeps running. Then waits for convergence and counts as a crash run does;
   * {@link Run#killAfter()} is when the fault began, after the push.
   */
  Run faultRun(Runnable fault) {
    int n = ++runs;
    Workload.Revision rev = workload.revision(n, random);
    var slackBefore = slack.snapshot();
    var webhookBefore = webhook.snapshot();
    String sha = push(rev);
    Instant pushed = Instant.now();
    await("the sync of revision " + n + " has begun")
        .atMost(settings.convergeWithin())
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> workload.applied(client(), rev) > 0);
    Duration faultAfter = Duration.between(pushed, Instant.now());
    int appliedBefore = workload.applied(client(), rev);
    fault.run();
    // This test's own client may hold connections from before the fault; up's are under test.
    client.close();
    client = null;
    say.accept(
        "fault began %.1f s after the push, with %d of %d ConfigMaps at the revision"
            .formatted(faultAfter.toMillis() / 1000.0, appliedBefore, Workload.CONFIG_MAPS - 5));
    Instant back = Instant.now();
    List<String> mismatches = converge(rev, sha);
    boolean converged = mismatches.isEmpty();
    Run r =
        new Run(
            n,
            faultAfter,
            List.of(),
            converged,
            Duration.between(back, Instant.now()),
            mismatches,
            ledger.count(sha, workload.changing(rev), workload.removed(rev)),
            newDuplicates(slackBefore, slack.snapshot()),
            newDuplicates(webhookBefore, webhook.snapshot()),
            ledger.deadLetters().size());
    say.accept(line(r));
    return r;
  }

  /** Waits for convergence; empty when it came, else what still differed when the wait gave up. */
  private List<String> converge(Workload.Revision rev, String sha) {
    try {
      awaitConverged(rev, sha, settings.convergeWithin());
      return List.of();
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      List<String> wrong = new ArrayList<>(lastMismatches(rev, sha));
      if (wrong.isEmpty()) {
        wrong.add("converged only after the wait gave up");
      }
      return wrong;
    }
  }

  private void awaitConverged(Workload.Revision rev, String sha, Duration within) {
    await("revision " + rev.number() + " (" + sha.substring(0, 12) + ") converged")
        .atMost(within)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> lastMismatches(rev, sha).isEmpty());
  }

  /** Live state against Git first (cheap), then the log's sync state of every declared resource. */
  private List<String> lastMismatches(Workload.Revision rev, String sha) {
    List<String> wrong = new ArrayList<>(workload.mismatches(client(), rev));
    if (!wrong.isEmpty()) {
      return wrong;
    }
    CurrentState state = CurrentState.read(up.bootstrapServers());
    Set<ResourceKey> changing = new HashSet<>(workload.changing(rev));
    Set<ResourceKey> seen = new HashSet<>();
    for (var r : state.resources()) {
      if (!r.declared()) {
        continue;
      }
      seen.add(r.resource());
      if (!r.hasState(DiffState.IN_SYNC)) {
        wrong.add(r.resource().shortName() + " is " + r.syncState());
      } else if (changing.contains(r.resource()) && !sha.equals(r.declaredRevision())) {
        wrong.add(r.resource().shortName() + " declared at " + r.declaredRevision());
      }
    }
    for (ResourceKey k : workload.declared(rev)) {
      if (!seen.contains(k)) {
        wrong.add(k.shortName() + " not declared in the log");
      }
    }
    return wrong;
  }

  private static int newDuplicates(
      java.util.Map<String, Integer> before, java.util.Map<String, Integer> after) {
    int dups = 0;
    for (var e : after.entrySet()) {
      int was = before.getOrDefault(e.getKey(), 0);
      // Deliveries of this run beyond the first delivery ever of the same identity.
      dups += Math.max(0, e.getValue() - Math.max(was, 1));
    }
    return dups;
  }

  static String header() {
    return "| run | kill after | live edits | converged | in | desired lost | desired repeated"
        + " | side-effect applies | duplicate applies | Slack dups | webhook dups | DLQ |";
  }

  static String line(Run r) {
    return "| %d | %.1f s | %d | %s | %.1f s | %d | %d | %d | %d | %d | %d | %d |"
        .formatted(
            r.run(),
            r.killAfter().toMillis() / 1000.0,
            r.tampered().stream().filter(t -> !t.startsWith("could not")).count(),
            r.converged() ? "yes" : "NO " + r.mismatches().stream().limit(5).toList(),
            r.convergedIn().toMillis() / 1000.0,
            r.log().desiredLost() + (r.log().commitRecorded() ? 0 : 1),
            r.log().desiredRepeated(),
            r.log().sideEffects(),
            r.log().duplicateApplies(),
            r.slackDuplicates(),
            r.webhookDuplicates(),
            r.deadLetters());
  }

  private static void waitUntil(Instant moment, String what) {
    await(what)
        .atMost(Duration.between(Instant.now(), moment).plusSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !Instant.now().isBefore(moment));
  }

  private static double secondsSince(Instant t) {
    return Duration.between(t, Instant.now()).toMillis() / 1000.0;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    up.close();
    slack.close();
    webhook.close();
    git.close();
  }
}
