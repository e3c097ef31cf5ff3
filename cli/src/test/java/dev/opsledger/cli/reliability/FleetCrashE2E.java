package dev.opsledger.cli.reliability;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.testkit.CanaryScan;
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
 * The local fleet under crashes (issue 18, point 2; issue 16, point 1): {@code opsledger up
 * --fleet} runs each service in its own JVM and syncs the crash campaign's repository of {@value
 * Workload#TOTAL} resources; in each run one service is killed with {@code kill -9} at a random
 * moment of a sync, every service once, and {@code up} starts it again. Each run must converge to
 * Git with nothing lost, no change applied twice for the same cause, no Slack message or webhook
 * delivered twice and nothing dead-lettered, as the crash runs of the whole process must (Slack and
 * webhook repeats are counted in the report, as there: a notifier killed between a delivery and its
 * record may deliver once more, which the webhook's {@code ce-id} lets a receiver drop). At the end
 * {@code up} itself is killed, and no service JVM may outlive it.
 *
 * <p>The report, with each service's memory, is {@code target/reliability/fleet-crash-runs.md}.
 * {@code -Dreliability.seed=S} replays the random choices.
 */
class FleetCrashE2E {

  private static final List<String> SERVICES =
      List.of("git-watcher", "state-collector", "differ", "applier", "notifier");

  @TempDir Path dir;

  @Test
  void eachServiceKilledMidSyncIsStartedAgainAndTheFleetConvergesWithNothingLost()
      throws Exception {
    long seed = Long.getLong("reliability.seed", ThreadLocalRandom.current().nextLong());
    Duration maxKill = Duration.ofSeconds(Long.getLong("reliability.fleet-max-kill-seconds", 20));
    Consumer<String> say = Reports.reporter("fleet-crash-runs.md", "fleet");
    Path report = Reports.DIR.resolve("fleet-crash-runs.md");
    say.accept(
        "fleet crash runs: every service killed once, seed %d (rerun: -Dreliability.seed=%d),"
                .formatted(seed, seed)
            + " started "
            + Instant.now());
    List<CrashCampaign.Run> results = new ArrayList<>();
    List<ProcessHandle> services;
    CanaryScan canaries;
    try (CrashCampaign campaign =
        new CrashCampaign(
            dir, new CrashCampaign.Settings(seed, maxKill, Duration.ofMinutes(5)), say)) {
      UpProcess up = campaign.up().option("--fleet");
      campaign.start();
      say.accept(Reports.memory(up, SERVICES, "after revision 0"));
      say.accept("runs 1 to 5 kill: " + String.join(", ", SERVICES));
      say.accept(CrashCampaign.header());
      say.accept("|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (String service : SERVICES) {
        CrashCampaign.Run r = campaign.run(service);
        results.add(r);
        r.log().duplicateDetail().forEach(d -> say.accept("  duplicate apply: " + d));
      }
      say.accept(Reports.memory(up, SERVICES, "after the runs"));
      assertThat(Files.readString(up.terminal()))
          .as("up's terminal tells of each death and restart")
          .contains(SERVICES.stream().map(s -> s + " started again").toList());
      canaries = campaign.canaryScan();
      say.accept(
          "canary scan: %s scanned, %d hits".formatted(canaries.scanned(), canaries.hits().size()));

      services = up.serviceJvms();
      assertThat(services).as("the fleet's service JVMs").hasSizeGreaterThanOrEqualTo(5);
      up.kill9();
      await("no service outlives a kill -9 of up")
          .atMost(Duration.ofMinutes(1))
          .until(() -> services.stream().noneMatch(ProcessHandle::isAlive));
      say.accept("kill -9 of up: its %d service JVMs stopped too".formatted(services.size()));
    }
    canaries.assertClean();

    assertThat(results)
        .as("every run (seed %d; the table is in %s)", seed, report)
        .hasSize(SERVICES.size())
        .allSatisfy(
            r -> {
              String which = SERVICES.get(r.run() - 1);
              assertThat(r.converged()).as("%s run converged: %s", which, r.mismatches()).isTrue();
              assertThat(r.log().commitRecorded()).as("%s run commit recorded", which).isTrue();
              assertThat(r.log().desiredLost()).as("%s run desired events lost", which).isZero();
              assertThat(r.log().duplicateApplies())
                  .as("%s run duplicate applies: %s", which, r.log().duplicateDetail())
                  .isZero();
              assertThat(r.log().terminalFailures()).as("%s run terminal failures", which).isZero();
              assertThat(r.log().unreadable()).as("%s run unreadable records", which).isZero();
              assertThat(r.deadLetters()).as("%s run dead letters", which).isZero();
            });
  }
}
