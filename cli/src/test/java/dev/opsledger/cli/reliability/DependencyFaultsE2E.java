package dev.opsledger.cli.reliability;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.cli.ExitCodes;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.kube.RealKubernetes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependency faults (issue 16, point 3): {@code opsledger up} in its own JVM, applying to a real
 * kube-apiserver of this test's own, with its broker in a process of its own ({@code opsledger
 * broker}), loses a dependency in the middle of a sync of {@value Workload#TOTAL} resources while
 * it keeps running: the broker (stopped, then started again on its log), the API server, Slack. It
 * must tell the user while the fault lasts (an event on the log, a line in its log file) and
 * converge to Git afterwards with nothing lost, nothing applied twice and nothing dead-lettered.
 *
 * <p>The outage lasts {@code -Dreliability.outage-seconds} (60, as the issue asks).
 */
class DependencyFaultsE2E {

  @TempDir Path dir;

  @Test
  void theBrokerStoppedThenTheApiServerDownThenSlackAnswering500MidSyncAreToldAndLoseNothing()
      throws Exception {
    Duration outage = Duration.ofSeconds(Long.getLong("reliability.outage-seconds", 60));
    Duration slackOutage = Duration.ofSeconds(Long.getLong("reliability.slack-outage-seconds", 60));
    long seed = Long.getLong("reliability.seed", ThreadLocalRandom.current().nextLong());
    Consumer<String> say = reporter("dependency-faults.md");
    say.accept(
        "dependency faults (broker, API server: %s each; Slack: %s), seed %d, started %s"
            .formatted(outage, slackOutage, seed, Instant.now()));

    RealKubernetes kube = RealKubernetes.start(Files.createDirectories(dir.resolve("kube")));
    List<OpsLedgerEvent> told = new ArrayList<>();
    List<String> logLines = new ArrayList<>();
    CrashCampaign.Run brokerRun;
    List<String> brokerLines = new ArrayList<>();
    StatusAnswer statusDuringBrokerOutage;
    CrashCampaign.Run run;
    CrashCampaign.Run slackRun;
    List<OpsLedgerEvent> notificationsFailed = new ArrayList<>();
    List<String> retryLines = new ArrayList<>();
    boolean heldBackDelivered;
    CanaryScan canaries;
    try (kube;
        CrashCampaign campaign =
            new CrashCampaign(
                dir,
                new CrashCampaign.Settings(seed, Duration.ZERO, Duration.ofMinutes(6)),
                say,
                kube.kubeconfig())) {
      UpProcess up = campaign.up().withExternalBroker();
      campaign.start();
      StatusAnswer[] status = new StatusAnswer[1];
      brokerRun =
          campaign.faultRun(
              () -> {
                long logFrom = size(up.logFile());
                Instant stopped = Instant.now();
                up.stopBroker();
                say.accept(
                    "broker stopped (SIGTERM) in %.1f s"
                        .formatted(Duration.between(stopped, Instant.now()).toMillis() / 1000.0));
                await("up's log says Kafka cannot be reached")
                    .atMost(outage)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !linesAbout(up.logFile(), logFrom, "cannot be reached").isEmpty());
                status[0] = StatusAnswer.ask(up.bootstrapServers());
                say.accept(
                    "told %.1f s into the outage; status: exit %d, %s"
                        .formatted(
                            Duration.between(stopped, Instant.now()).toMillis() / 1000.0,
                            status[0].exitCode(),
                            status[0].err().strip()));
                await("the rest of the broker outage")
                    .atMost(outage.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !Instant.now().isBefore(stopped.plus(outage)));
                assertThat(up.alive()).as("up keeps running without its broker").isTrue();
                up.startBroker();
                await("up's log says Kafka answers again")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !linesAbout(up.logFile(), logFrom, "answers again").isEmpty());
                brokerLines.addAll(
                    linesAbout(up.logFile(), logFrom, "cannot be reached", "answers again"));
                say.accept(
                    "broker back after %.1f s; log: %s"
                        .formatted(
                            Duration.between(stopped, Instant.now()).toMillis() / 1000.0,
                            brokerLines));
              });
      statusDuringBrokerOutage = status[0];
      run =
          campaign.faultRun(
              () -> {
                long logFrom = size(up.logFile());
                Instant stopped = Instant.now();
                kube.stopApiServer();
                await("the user is told while the API server is down")
                    .atMost(outage)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                        () -> {
                          told.clear();
                          told.addAll(unreachable(campaign.ledger(), stopped));
                          logLines.clear();
                          logLines.addAll(
                              linesAbout(
                                  up.logFile(), logFrom, "Unreachable", "cannot be reached"));
                          return !told.isEmpty() && !logLines.isEmpty();
                        });
                say.accept(
                    "told %.1f s into the outage: %d event(s), first %s; log: %s"
                        .formatted(
                            Duration.between(stopped, Instant.now()).toMillis() / 1000.0,
                            told.size(),
                            told.get(0),
                            logLines.get(0)));
                await("the rest of the outage")
                    .atMost(outage.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !Instant.now().isBefore(stopped.plus(outage)));
                assertThat(up.alive()).as("up keeps running through the outage").isTrue();
                kube.restartApiServer();
                say.accept(
                    "API server back after %.1f s"
                        .formatted(Duration.between(stopped, Instant.now()).toMillis() / 1000.0));
              });

      CountingReceiver slack = campaign.slack();
      Instant slackRunFrom = Instant.now();
      slackRun =
          campaign.faultRun(
              () -> {
                long logFrom = size(up.logFile());
                int refusedBefore = slack.refused();
                Instant from = Instant.now();
                slack.failing(true);
                // Slack stays down for the outage and at least until the notifier has tried it:
                // the commit's message is due only once the commit has settled, its prunes
                // included. This API server has no garbage collector to finish their foreground
                // deletions: without this, the commit never settled, and the notifier met Slack
                // only when the previous commit had happened to settle with failures in the API
                // server's outage (no prune got through before it) and its resources' recoveries
                // were told meanwhile (CI: 6 minutes without a Slack request).
                await("the notifier meets Slack down")
                    .atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                        () -> {
                          campaign.collectGarbage();
                          return slack.refused() > refusedBefore
                              && !Instant.now().isBefore(from.plus(slackOutage));
                        });
                slack.failing(false);
                // The receiver counts a refusal before the notifier has logged it: wait for the
                // line.
                awaitQuietly(
                    Duration.ofSeconds(30),
                    () ->
                        !linesAbout(up.logFile(), logFrom, "retrying in", "answered 500")
                            .isEmpty());
                retryLines.addAll(linesAbout(up.logFile(), logFrom, "retrying in", "answered 500"));
                say.accept(
                    "Slack answered 500 for %.1f s: %d request(s) refused"
                        .formatted(
                            Duration.between(from, Instant.now()).toMillis() / 1000.0,
                            slack.refused() - refusedBefore));
              });
      // What the outage held back: notices Slack refused and that went out after it. Which ones
      // they are depends on the digest (a commit's summary, or a storm's folded summary).
      List<OpsLedgerEvent> heldBack = new ArrayList<>();
      heldBackDelivered =
          awaitQuietly(
              Duration.ofMinutes(3),
              () -> {
                heldBack.clear();
                heldBack.addAll(
                    campaign.ledger().since(slackRunFrom, Topic.NOTIFICATIONS).stream()
                        .filter(
                            e ->
                                e instanceof NotificationSent s
                                    && "slack".equals(s.channel())
                                    && s.attempts() > 1)
                        .toList());
                return !heldBack.isEmpty();
              });
      notificationsFailed.addAll(
          campaign.ledger().since(slackRunFrom, Topic.NOTIFICATIONS).stream()
              .filter(NotificationFailed.class::isInstance)
              .toList());
      heldBack.forEach(e -> say.accept("sent after the outage: " + e));
      say.accept(CrashCampaign.header());
      say.accept(CrashCampaign.line(brokerRun));
      say.accept(CrashCampaign.line(run));
      say.accept(CrashCampaign.line(slackRun));
      say.accept(
          "Slack: notices held back by the outage delivered after it: %s; NotificationFailed: %d;"
                  .formatted(heldBackDelivered, notificationsFailed.size())
              + " retry log lines: %d".formatted(retryLines.size()));
      canaries = campaign.canaryScan();
      say.accept(
          "canary scan: %s scanned, %d hits".formatted(canaries.scanned(), canaries.hits().size()));
    }
    canaries.assertClean();

    assertThat(statusDuringBrokerOutage.exitCode())
        .as("status without a broker: %s", statusDuringBrokerOutage)
        .isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(statusDuringBrokerOutage.err()).contains("cannot reach Kafka at 127.0.0.1:");
    assertThat(brokerLines)
        .as("the log says when Kafka went and when it came back")
        .anyMatch(l -> l.contains("WARN") && l.contains("cannot be reached"))
        .anyMatch(l -> l.contains("answers again"));
    assertThat(brokerRun.converged())
        .as("converged after the broker outage: %s", brokerRun.mismatches())
        .isTrue();
    assertThat(brokerRun.log().commitRecorded()).isTrue();
    assertThat(brokerRun.log().desiredLost()).as("desired events lost").isZero();
    assertThat(brokerRun.log().duplicateApplies())
        .as("duplicate applies: %s", brokerRun.log().duplicateDetail())
        .isZero();
    assertThat(brokerRun.log().terminalFailures()).isZero();
    assertThat(brokerRun.slackDuplicates()).as("Slack messages delivered twice").isZero();
    assertThat(brokerRun.webhookDuplicates()).as("webhook deliveries repeated").isZero();
    assertThat(brokerRun.deadLetters()).as("dead letters").isZero();

    assertThat(run.converged()).as("converged after the outage: %s", run.mismatches()).isTrue();
    assertThat(run.log().commitRecorded()).isTrue();
    assertThat(run.log().desiredLost()).as("desired events lost").isZero();
    assertThat(run.log().duplicateApplies())
        .as("duplicate applies: %s", run.log().duplicateDetail())
        .isZero();
    assertThat(run.log().terminalFailures())
        .as("an outage is transient: no apply may fail for good")
        .isZero();
    assertThat(run.deadLetters()).as("dead letters").isZero();

    assertThat(slackRun.converged()).as("converged: %s", slackRun.mismatches()).isTrue();
    assertThat(slackRun.log().desiredLost()).isZero();
    assertThat(slackRun.log().duplicateApplies()).isZero();
    assertThat(slackRun.slackDuplicates()).as("Slack messages delivered twice").isZero();
    assertThat(retryLines).as("the log says Slack is failing and will be retried").isNotEmpty();
    assertThat(heldBackDelivered)
        .as("notices Slack refused during the outage are delivered once it is back")
        .isTrue();
    assertThat(notificationsFailed).as("notices given up on").isEmpty();
    assertThat(slackRun.deadLetters()).isZero();
  }

  /** What {@code opsledger status} answered: its exit code and what it printed on stderr. */
  record StatusAnswer(int exitCode, String err) {
    static StatusAnswer ask(String bootstrapServers) {
      java.io.StringWriter err = new java.io.StringWriter();
      var cli = dev.opsledger.cli.OpsLedgerCli.commandLine();
      cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
      cli.setErr(new java.io.PrintWriter(err, true));
      int code = cli.execute("status", "--bootstrap-servers", bootstrapServers);
      return new StatusAnswer(code, err.toString());
    }
  }

  private static boolean awaitQuietly(Duration atMost, java.util.concurrent.Callable<Boolean> c) {
    try {
      await("a condition").atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(c);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  /** Failures the collector and applier recorded as the API server being unreachable. */
  private static List<OpsLedgerEvent> unreachable(LogLedger ledger, Instant since) {
    return ledger.since(since, Topic.OBSERVED, Topic.APPLIES).stream()
        .filter(
            e ->
                (e instanceof ObservationFailed o && "Unreachable".equals(o.reason()))
                    || (e instanceof ApplyFailed a && "Unreachable".equals(a.reason())))
        .toList();
  }

  /** Lines of {@code up}'s log file written after {@code from} with any of these texts. */
  private static List<String> linesAbout(Path log, long from, String... texts) {
    byte[] all;
    try {
      all = Files.readAllBytes(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = (int) Math.min(from, all.length);
    return new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8)
        .lines()
        .filter(l -> java.util.Arrays.stream(texts).anyMatch(l::contains))
        .toList();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Consumer<String> reporter(String name) throws IOException {
    return Reports.reporter(name, "reliability");
  }
}
