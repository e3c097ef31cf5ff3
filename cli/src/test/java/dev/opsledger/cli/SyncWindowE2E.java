package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync window through the whole pipeline, as {@code opsledger up} runs it: inside a deny window
 * the diff is on the log, the applier records why it waits, {@code status} says so, and nothing is
 * written. (When the window opens is {@code ApplyEngineTest}'s, with a clock it moves.)
 */
class SyncWindowE2E {

  @TempDir Path dir;

  @Test
  void insideADenyWindowTheChangeIsReportedAndWaits() throws Exception {
    // Starts every minute and lasts an hour: always inside.
    Map<String, Object> deny =
        Map.of(
            "opsledger.applier.sources.demo.windows[0].kind", "deny",
            "opsledger.applier.sources.demo.windows[0].schedule", "0 * * * * *",
            "opsledger.applier.sources.demo.windows[0].duration", "1h");
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running = PruneGuardE2E.launch(dir, git, deny)) {
      KubernetesClient client = running.emulator().client();
      String sha =
          git.commit("Declare a namespace and an object")
              .write("apps/namespace.yaml", PruneGuardE2E.namespace())
              .write("apps/held.yaml", PruneGuardE2E.configMap("held"))
              .push();

      await("the change is skipped as waiting for its window")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  DetectOnlyE2E.events(running, Topic.APPLIES).stream()
                      .anyMatch(
                          e ->
                              e instanceof ApplySkipped s
                                  && s.skippedBy(SkipPolicy.SYNC_WINDOW_CLOSED)
                                  && s.resource().name().equals("held")
                                  && sha.equals(s.desiredRevision())));
      assertThat(DetectOnlyE2E.events(running, Topic.DIFFS))
          .anyMatch(d -> d instanceof ResourceMissing m && m.resource().name().equals("held"));
      assertThat(DetectOnlyE2E.events(running, Topic.APPLIES))
          .noneMatch(ApplyStarted.class::isInstance);
      assertThat(client.configMaps().inNamespace(PruneGuardE2E.NS).withName("held").get()).isNull();
      assertThat(DetectOnlyE2E.status(running))
          .contains(
              "note: "
                  + PruneGuardE2E.NS
                  + "/ConfigMap/held is Missing and not healed (sync-window-closed): inside the deny"
                  + " window deny \"0 * * * * *\" for PT1H (UTC): the change waits");
    }
  }
}
