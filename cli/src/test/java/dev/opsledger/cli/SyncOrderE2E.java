package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync waves and depends-on through the whole pipeline, as {@code opsledger up} runs it against its
 * emulator. There are no controllers: a Deployment stays {@code Progressing} until the test writes
 * its status through the status subresource, as its controller would; until then what must follow
 * it waits, visibly ({@code ApplySkipped(waiting-for-…)}, {@code status}, {@code audit timeline}),
 * and it is applied by itself once the collector reports the Deployment {@code Healthy}.
 */
class SyncOrderE2E {

  static final String NS = "ordered";

  @TempDir Path dir;

  @Test
  void aWaveOneResourceIsAppliedOnlyAfterWaveZeroIsInSyncAndHealthy() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running = PruneGuardE2E.launch(dir, git, Map.of())) {
      KubernetesClient client = running.emulator().client();
      String sha =
          git.commit("A database first, then the app's settings")
              .write("apps/namespace.yaml", namespace())
              .write("apps/db.yaml", deployment("db", null))
              .write("apps/app.yaml", configMap("app", "opsledger.dev/sync-wave: \"1\""))
              .push();

      await("the wave 1 ConfigMap waits for the wave 0 Deployment")
          .atMost(Duration.ofSeconds(90))
          .until(() -> waiting(running, "app", SkipPolicy.WAITING_FOR_WAVE) != null);
      await("the Deployment is live and reported Progressing")
          .atMost(Duration.ofSeconds(60))
          .until(() -> health(running, "db", HealthStatus.PROGRESSING));
      // The first wait can be for the rest of the revision's declarations (OrderGate.SETTLE),
      // recorded as such; the applier then records the Deployment it waits for.
      await("the wait names the wave 0 Deployment")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  waiting(running, "app", SkipPolicy.WAITING_FOR_WAVE)
                      .detail()
                      .contains("apps/Deployment/" + NS + "/db"));
      assertThat(waiting(running, "app", SkipPolicy.WAITING_FOR_WAVE).detail())
          .startsWith("wave 1 waits for wave 0 of source demo: ");
      assertThat(started(running, "app")).isFalse();
      assertThat(client.configMaps().inNamespace(NS).withName("app").get()).isNull();
      assertThat(DetectOnlyE2E.status(running))
          .contains(
              "note: "
                  + NS
                  + "/ConfigMap/app is Missing and waits (waiting-for-wave): wave 1 waits");

      rolledOut(client, "db");

      await("the ConfigMap is applied once the Deployment is healthy")
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.configMaps().inNamespace(NS).withName("app").get() != null);
      String timeline = audit(running, "timeline", sha);
      assertThat(timeline).contains("waiting (waiting-for-wave): wave 1 waits for wave 0");
      assertThat(timeline.indexOf("waiting (waiting-for-wave)"))
          .isLessThan(timeline.lastIndexOf("applied: CREATED"));
    }
  }

  @Test
  void sourceBWaitsForSourceAThenResumesByItself() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"))) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("opsledger.git-watcher.sources[1].id", "platform");
      extra.put("opsledger.git-watcher.sources[1].url", git.remoteUrl());
      extra.put("opsledger.git-watcher.sources[1].branch", "main");
      extra.put("opsledger.git-watcher.sources[1].path", "platform");
      extra.put("opsledger.git-watcher.sources[1].target", "e2e");
      extra.put("opsledger.git-watcher.sources[1].poll-interval", "1s");
      extra.put("opsledger.applier.sources.demo.depends-on", "platform");
      try (Launcher.Running running = PruneGuardE2E.launch(dir, git, extra)) {
        KubernetesClient client = running.emulator().client();
        String sha =
            git.commit("The platform's API, and an app that needs it")
                .write("platform/namespace.yaml", namespace())
                .write("platform/api.yaml", deployment("api", null))
                .write("apps/web.yaml", configMap("web", null))
                .push();

        await("source demo waits for source platform")
            .atMost(Duration.ofSeconds(90))
            .until(() -> waiting(running, "web", SkipPolicy.WAITING_FOR_SOURCE) != null);
        await("the platform's Deployment is live and reported Progressing")
            .atMost(Duration.ofSeconds(60))
            .until(() -> health(running, "api", HealthStatus.PROGRESSING));
        assertThat(waiting(running, "web", SkipPolicy.WAITING_FOR_SOURCE).detail())
            .startsWith("source demo waits for source platform");
        assertThat(started(running, "web")).isFalse();
        assertThat(client.configMaps().inNamespace(NS).withName("web").get()).isNull();

        rolledOut(client, "api");

        await("source demo is applied once platform is in sync and healthy")
            .atMost(Duration.ofSeconds(60))
            .until(() -> client.configMaps().inNamespace(NS).withName("web").get() != null);
        assertThat(audit(running, "timeline", sha))
            .contains("waiting (waiting-for-source): source demo waits for source platform");
      }
    }
  }

  /** The latest wait of the resource for this policy, or {@code null}. */
  static ApplySkipped waiting(Launcher.Running running, String name, SkipPolicy policy) {
    List<ResourceEvent> applies = DetectOnlyE2E.events(running, Topic.APPLIES);
    ApplySkipped found = null;
    for (ResourceEvent e : applies) {
      if (e instanceof ApplySkipped s && s.skippedBy(policy) && s.resource().name().equals(name)) {
        found = s;
      }
    }
    return found;
  }

  static boolean started(Launcher.Running running, String name) {
    return DetectOnlyE2E.events(running, Topic.APPLIES).stream()
        .anyMatch(e -> e instanceof ApplyStarted s && s.resource().name().equals(name));
  }

  static boolean health(Launcher.Running running, String name, HealthStatus status) {
    return DetectOnlyE2E.events(running, Topic.OBSERVED).stream()
        .anyMatch(
            e ->
                e instanceof ResourceHealthChanged h
                    && h.resource().name().equals(name)
                    && h.health() == status);
  }

  /** Writes a finished rollout's status, as the Deployment controller would. */
  static void rolledOut(KubernetesClient client, String name) {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            live -> {
              live.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(live.getMetadata().getGeneration())
                      .withReplicas(1)
                      .withUpdatedReplicas(1)
                      .withReadyReplicas(1)
                      .withAvailableReplicas(1)
                      .build());
              return live;
            });
  }

  static String audit(Launcher.Running running, String... args) {
    StringWriter out = new StringWriter();
    var cl = OpsLedgerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    String[] all = new String[args.length + 3];
    all[0] = "audit";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--bootstrap-servers";
    all[args.length + 2] = running.bootstrapServers();
    assertThat(cl.execute(all)).isZero();
    return out.toString();
  }

  static String namespace() {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NS + "\n";
  }

  static String configMap(String name, String annotation) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + NS
        + (annotation == null ? "" : "\n  annotations:\n    " + annotation)
        + "\ndata:\n  name: "
        + name
        + "\n";
  }

  static String deployment(String name, String annotation) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
          namespace: %2$s%3$s
        spec:
          replicas: 1
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
                - name: %1$s
                  image: nginx:1.27
        """
        .formatted(name, NS, annotation == null ? "" : "\n  annotations:\n    " + annotation);
  }
}
