package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detect-only through the whole pipeline, as {@code opsledger up} runs it against its emulator: the
 * drift is on the log and in {@code status}, and nothing is ever written — not by a detect-only
 * source, not for a resource annotated {@code opsledger.dev/sync-policy: detect}, even once Git no
 * longer declares it and prune is on.
 */
class DetectOnlyE2E {

  static final String NS = PruneGuardE2E.NS;

  @TempDir Path dir;

  @Test
  void aDetectOnlySourceReportsDriftAndNeverWrites() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running =
            PruneGuardE2E.launch(
                dir, git, Map.of("opsledger.applier.sources.demo.detect-only", "true"))) {
      KubernetesClient client = running.emulator().client();
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      client
          .configMaps()
          .inNamespace(NS)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("edited")
                  .withNamespace(NS)
                  .endMetadata()
                  .addToData("name", "changed by hand")
                  .build())
          .create();

      String sha =
          git.commit("Declare what is live, and one more")
              .write("apps/namespace.yaml", PruneGuardE2E.namespace())
              .write("apps/edited.yaml", PruneGuardE2E.configMap("edited"))
              .write("apps/absent.yaml", PruneGuardE2E.configMap("absent"))
              .push();

      await("the drift and the missing object are reported and skipped as detect-only")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  skippedAsDetectOnly(running, "edited", sha)
                      && skippedAsDetectOnly(running, "absent", sha));
      List<ResourceEvent> diffs = events(running, Topic.DIFFS);
      assertThat(diffs)
          .anyMatch(d -> d instanceof DriftDetected x && x.resource().name().equals("edited"));
      assertThat(diffs)
          .anyMatch(d -> d instanceof ResourceMissing x && x.resource().name().equals("absent"));
      assertThat(events(running, Topic.APPLIES)).noneMatch(ApplyStarted.class::isInstance);
      ConfigMap edited = client.configMaps().inNamespace(NS).withName("edited").get();
      assertThat(edited.getData()).containsEntry("name", "changed by hand");
      assertThat(edited.getMetadata().getLabels()).isNullOrEmpty();
      assertThat(client.configMaps().inNamespace(NS).withName("absent").get()).isNull();

      String status = status(running);
      assertThat(status)
          .containsPattern(
              NS + "/ConfigMap/edited\\s+\\S+\\s+Drifted\\s+.*SKIPPED\\(detect-only\\)")
          .contains(
              "note: "
                  + NS
                  + "/ConfigMap/edited is Drifted and not healed (detect-only): live differs from"
                  + " revision "
                  + sha
                  + "; left as is: the resource is detect-only");
    }
  }

  @Test
  void aResourceAnnotatedDetectIsNeverPrunedWhenGitNoLongerDeclaresIt() throws Exception {
    List<String> names = List.of("watched", "pruned", "other1", "other2");
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running = PruneGuardE2E.launch(dir, git, Map.of())) {
      KubernetesClient client = running.emulator().client();
      var first =
          git.commit("Declare four objects")
              .write("apps/namespace.yaml", PruneGuardE2E.namespace());
      names.forEach(n -> first.write("apps/" + n + ".yaml", PruneGuardE2E.configMap(n)));
      first.push();
      await("every declared object is live")
          .atMost(Duration.ofSeconds(90))
          .until(() -> names.stream().allMatch(n -> PruneGuardOptOutE2E.exists(client, n)));

      git.commit("Watch one, without touching it")
          .write(
              "apps/watched.yaml",
              PruneGuardE2E.configMap("watched")
                  .replace(
                      "  namespace: " + NS + "\n",
                      "  namespace: "
                          + NS
                          + "\n  annotations:\n    opsledger.dev/sync-policy: detect\n"))
          .push();
      String removal =
          git.commit("Remove the watched one and another")
              .delete("apps/watched.yaml")
              .delete("apps/pruned.yaml")
              .push();

      await("the other removed object is pruned (prune is on)")
          .atMost(Duration.ofSeconds(90))
          .until(() -> !PruneGuardOptOutE2E.exists(client, "pruned"));
      await("the watched object's prune is skipped as detect-only")
          .atMost(Duration.ofSeconds(60))
          .until(() -> skippedAsDetectOnly(running, "watched", removal));
      assertThat(PruneGuardOptOutE2E.exists(client, "watched")).isTrue();
      assertThat(events(running, Topic.APPLIES))
          .noneMatch(
              e ->
                  e instanceof ApplyStarted s
                      && s.resource().name().equals("watched")
                      && removal.equals(s.desiredRevision()));
    }
  }

  static boolean skippedAsDetectOnly(Launcher.Running running, String name, String revision) {
    return events(running, Topic.APPLIES).stream()
        .anyMatch(
            e ->
                e instanceof ApplySkipped s
                    && s.skippedBy(SkipPolicy.DETECT_ONLY)
                    && s.resource().name().equals(name)
                    && revision.equals(s.desiredRevision()));
  }

  static List<ResourceEvent> events(Launcher.Running running, Topic topic) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return reader.read(EnumSet.of(topic), null, null).stream()
          .filter(LoggedEvent::readable)
          .map(LoggedEvent::data)
          .filter(ResourceEvent.class::isInstance)
          .map(ResourceEvent.class::cast)
          .toList();
    }
  }

  static String status(Launcher.Running running) {
    StringWriter out = new StringWriter();
    var cl = OpsLedgerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cl.execute("status", "--bootstrap-servers", running.bootstrapServers())).isZero();
    return out.toString();
  }
}
