package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncResumed;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback without a commit through the whole pipeline, as {@code opsledger up} runs it on its
 * emulator: deploy image tag good, commit a bad tag, {@code opsledger rollback demo --to <good>}
 * brings good back live and {@code status} says auto-sync is paused; a new Git revision takes over
 * and the pause is gone. A rollback to an unknown SHA, and one with a wrong token, are refused with
 * their reason and exit code 3.
 */
class RollbackE2E {

  static final String NS = "rollback";

  @TempDir Path dir;

  @Test
  void aRollbackBringsBackTheGoodTagUntilANewGitRevisionTakesOver() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running = PruneGuardE2E.launch(dir, git, Map.of())) {
      KubernetesClient client = running.emulator().client();
      String good =
          git.commit("Deploy web:good")
              .write("apps/namespace.yaml", namespace())
              .write("apps/web.yaml", deployment("good"))
              .push();
      await("web runs the good tag")
          .atMost(Duration.ofSeconds(90))
          .until(() -> "good".equals(tag(client)));
      String bad = git.commit("Deploy web:bad").write("apps/web.yaml", deployment("bad")).push();
      await("web runs the bad tag")
          .atMost(Duration.ofSeconds(60))
          .until(() -> "bad".equals(tag(client)));

      Result rollback =
          cli(
              "rollback",
              "demo",
              "--to",
              good.substring(0, 8),
              "--reason",
              "bad tag",
              "--data-dir",
              running.dataDir().toString());

      assertThat(rollback.code()).as(rollback.err()).isZero();
      assertThat(rollback.out())
          .contains(
              "Rolled back 1 resource(s) of source demo to revision " + Printer.shortSha(good))
          .contains(NS + "/Deployment/web")
          .contains("paused until Git moves");
      await("web runs the good tag again")
          .atMost(Duration.ofSeconds(60))
          .until(() -> "good".equals(tag(client)));
      await("status says auto-sync of web is paused by the rollback")
          .atMost(Duration.ofSeconds(60))
          .until(() -> DetectOnlyE2E.status(running).contains("(rollback-paused)"));
      String status = DetectOnlyE2E.status(running);
      assertThat(status)
          .contains("note: " + NS + "/Deployment/web is Drifted and not healed (rollback-paused)")
          .contains("rollback to " + Printer.shortSha(good));
      assertThat(tag(client)).isEqualTo("good");
      assertThat(DetectOnlyE2E.events(running, Topic.APPROVALS))
          .anySatisfy(
              e -> {
                assertThat(e).isInstanceOf(RollbackRequested.class);
                assertThat(((RollbackRequested) e).pausedRevision()).isEqualTo(bad);
              });

      String better =
          git.commit("Deploy web:better").write("apps/web.yaml", deployment("better")).push();

      await("the new Git revision takes over")
          .atMost(Duration.ofSeconds(90))
          .until(() -> "better".equals(tag(client)));
      await("status no longer says paused")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !DetectOnlyE2E.status(running).contains("rollback-paused"));
      assertThat(DetectOnlyE2E.events(running, Topic.APPLIES))
          .anyMatch(e -> e instanceof SyncResumed r && r.revision().equals(better))
          .anyMatch(e -> e instanceof ApplySkipped s && s.skippedBy(SkipPolicy.ROLLBACK_PAUSED));
      Result history =
          cli(
              "audit",
              "history",
              NS + "/Deployment/web",
              "--bootstrap-servers",
              running.bootstrapServers());
      assertThat(history.out())
          .contains("rolled back to " + Printer.shortSha(good))
          .contains("auto-sync resumed: Git moved to " + Printer.shortSha(better));

      Result unknown =
          cli("rollback", "demo", "--to", "deadbeef", "--data-dir", running.dataDir().toString());
      assertThat(unknown.code()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(unknown.err())
          .contains("the applier refused the rollback (404)")
          .contains("no revision of source demo starts with deadbeef");

      Path wrongToken = Files.writeString(dir.resolve("wrong-token"), "not-the-token-0123456789");
      Result unauthorized =
          cli(
              "rollback",
              "demo",
              "--to",
              good,
              "--data-dir",
              running.dataDir().toString(),
              "--token-file",
              wrongToken.toString());
      assertThat(unauthorized.code()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(unauthorized.err()).contains("(401)").contains("a valid bearer token is required");
      assertThat(tag(client)).isEqualTo("better");
    }
  }

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpsLedgerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static String tag(KubernetesClient client) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
    if (d == null) {
      return null;
    }
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return image.substring(image.indexOf(':') + 1);
  }

  static String namespace() {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NS + "\n";
  }

  static String deployment(String tag) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: %s
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: registry.example/web:%s
        """
        .formatted(NS, tag);
  }
}
