package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source that opts out of the prune guard has a revision that empties it pruned at once. */
class PruneGuardOptOutE2E {

  @TempDir Path dir;

  @Test
  void aSourceWithThePruneGuardOffPrunesEverythingARevisionRemoves() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running =
            PruneGuardE2E.launch(
                dir, git, Map.of("opsledger.applier.sources.demo.prune-guard", "false"))) {
      KubernetesClient client = running.emulator().client();
      PruneGuardE2E.declareAll(git.commit("Add the objects")).push();
      await("every declared object is live")
          .atMost(Duration.ofSeconds(90))
          .until(() -> PruneGuardE2E.NAMES.stream().allMatch(n -> exists(client, n)));

      var empty = git.commit("Empty the source path").delete("apps/namespace.yaml");
      PruneGuardE2E.NAMES.forEach(n -> empty.delete("apps/" + n + ".yaml"));
      empty.push();

      await("everything the revision removed is pruned")
          .atMost(Duration.ofSeconds(90))
          .until(() -> PruneGuardE2E.NAMES.stream().noneMatch(n -> exists(client, n)));
      try (LogReader reader = new LogReader(running.bootstrapServers())) {
        assertThat(reader.read(EnumSet.of(Topic.APPLIES), null, null))
            .map(LoggedEvent::data)
            .noneMatch(d -> d instanceof PruneHeld);
      }
    }
  }

  static boolean exists(KubernetesClient client, String name) {
    return client.configMaps().inNamespace(PruneGuardE2E.NS).withName(name).get() != null;
  }
}
