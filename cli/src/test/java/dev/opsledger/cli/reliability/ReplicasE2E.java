package dev.opsledger.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.testkit.LocalPostgres;
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
 * Replicas are safe (issue 18, point 1): {@code opsledger up --fleet --replicas
 * applier=2,differ=2,notifier=2} runs two JVMs of each of those services on one broker, the differs
 * on one PostgreSQL event store, and syncs a repository of 500 resources whose source waits for
 * approvals ({@code --no-auto-sync}; each revision is approved through the approvals API right
 * after its push) and prunes what Git removes. Each revision must converge to Git with nothing
 * lost, no change applied twice for the same cause, no Slack message or webhook delivered twice and
 * nothing dead-lettered: what one replica of each would do. Revision 0 creates everything; revision
 * 1 changes every resource, prunes five and, live, edits a few, and one applier replica is killed
 * with {@code kill -9} mid-sync: the other takes its partitions over until it is back.
 *
 * <p>The report, with each JVM's memory, is {@code target/reliability/replicas.md}.
 */
class ReplicasE2E {

  /** 448 ConfigMaps, 30 Secrets, 20 custom resources, their definition and a namespace. */
  private static final int CONFIG_MAPS = 448;

  private static final List<String> JVMS =
      List.of(
          "git-watcher",
          "state-collector",
          "differ",
          "differ-2",
          "applier",
          "applier-2",
          "notifier",
          "notifier-2");

  @TempDir Path dir;

  @Test
  void twoOfEachConvergeFiveHundredResourcesWithApprovalsAndPrunesWithNothingLostOrTwice()
      throws Exception {
    long seed = Long.getLong("reliability.seed", ThreadLocalRandom.current().nextLong());
    Consumer<String> say = Reports.reporter("replicas.md", "replicas");
    Path report = Reports.DIR.resolve("replicas.md");
    say.accept(
        "replicas: 2 appliers, 2 differs, 2 notifiers, seed %d (rerun: -Dreliability.seed=%d),"
                .formatted(seed, seed)
            + " started "
            + Instant.now());
    List<CrashCampaign.Run> results = new ArrayList<>();
    try (LocalPostgres postgres = LocalPostgres.start();
        CrashCampaign campaign =
            new CrashCampaign(
                    dir,
                    new CrashCampaign.Settings(seed, Duration.ofSeconds(15), Duration.ofMinutes(8)),
                    say,
                    null,
                    CONFIG_MAPS)
                .approvingEachRevision()) {
      UpProcess up =
          campaign
              .up()
              .option("--fleet")
              .option("--replicas", "applier=2,differ=2,notifier=2")
              .option("--no-auto-sync")
              .property("spring.datasource.url", postgres.jdbcUrl("postgres"))
              .property("spring.datasource.username", LocalPostgres.USER)
              .property("spring.datasource.password", "");
      campaign.start();
      say.accept(Reports.memory(up, JVMS, "after revision 0"));
      say.accept(CrashCampaign.header());
      say.accept("|---|---|---|---|---|---|---|---|---|---|---|---|");
      results.add(campaign.run("applier-2"));
      say.accept(Reports.memory(up, JVMS, "after the runs"));
    }
    assertThat(results)
        .as("every run (seed %d; the table is in %s)", seed, report)
        .hasSize(1)
        .allSatisfy(
            r -> {
              assertThat(r.converged())
                  .as("run %d converged: %s", r.run(), r.mismatches())
                  .isTrue();
              assertThat(r.log().commitRecorded()).as("run %d commit recorded", r.run()).isTrue();
              assertThat(r.log().desiredLost()).as("run %d desired events lost", r.run()).isZero();
              assertThat(r.log().sideEffects())
                  .as("run %d applies with a side effect", r.run())
                  .isPositive();
              assertThat(r.log().duplicateApplies())
                  .as("run %d duplicate applies: %s", r.run(), r.log().duplicateDetail())
                  .isZero();
              assertThat(r.log().terminalFailures())
                  .as("run %d terminal failures", r.run())
                  .isZero();
              assertThat(r.log().unreadable()).as("run %d unreadable records", r.run()).isZero();
              assertThat(r.slackDuplicates()).as("run %d Slack duplicates", r.run()).isZero();
              assertThat(r.webhookDuplicates()).as("run %d webhook duplicates", r.run()).isZero();
              assertThat(r.deadLetters()).as("run %d dead letters", r.run()).isZero();
            });
  }
}
