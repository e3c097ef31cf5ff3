package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;

import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kustomize and Helm sources through the whole pipeline, as {@code opsledger up} runs it against
 * its emulator: a change of an overlay, and a change of a chart's values file, reach the cluster.
 * Kustomize is {@code kubectl kustomize} from the {@code PATH}; Helm runs in-process.
 */
class RenderedSourcesE2E {

  static final String NS = PruneGuardE2E.NS;

  @TempDir Path dir;

  @Test
  void aKustomizeOverlayChangeReachesTheCluster() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running =
            PruneGuardE2E.launch(
                dir,
                git,
                Map.of("opsledger.git-watcher.sources[0].render.kustomize.paths", "apps/prod"))) {
      KubernetesClient client = running.emulator().client();
      git.commit("A base and its prod overlay")
          .write("apps/namespace.yaml", PruneGuardE2E.namespace())
          .write("apps/base/kustomization.yaml", "resources:\n  - deployment.yaml\n")
          .write("apps/base/deployment.yaml", deployment("web", "registry.example.com/web:1.0.0"))
          .write("apps/prod/kustomization.yaml", overlay("1.4.2", 2))
          .push();
      await("the overlay's Deployment runs 1.4.2 with 2 replicas")
          .atMost(Duration.ofSeconds(90))
          .until(() -> runs(client, "web", "registry.example.com/web:1.4.2", 2));

      git.commit("prod: web 1.5.0 on 3 replicas")
          .write("apps/prod/kustomization.yaml", overlay("1.5.0", 3))
          .push();
      await("the overlay change reached the cluster")
          .atMost(Duration.ofSeconds(90))
          .until(() -> runs(client, "web", "registry.example.com/web:1.5.0", 3));
    }
  }

  @Test
  void aHelmValuesChangeReachesTheCluster() throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        Launcher.Running running =
            PruneGuardE2E.launch(
                dir,
                git,
                Map.of(
                    "opsledger.git-watcher.sources[0].render.helm.charts[0].path",
                    "apps/charts/web",
                    "opsledger.git-watcher.sources[0].render.helm.charts[0].values",
                    "apps/env/prod-values.yaml",
                    "opsledger.git-watcher.sources[0].render.helm.charts[0].release-name",
                    "shop"))) {
      KubernetesClient client = running.emulator().client();
      git.commit("The web chart and its prod values")
          .write("apps/namespace.yaml", PruneGuardE2E.namespace())
          .write("apps/charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
          .write(
              "apps/charts/web/values.yaml", "replicas: 1\nimage: registry.example.com/web:1.0.0\n")
          .write(
              "apps/charts/web/templates/deployment.yaml",
              deployment("{{ .Release.Name }}-web", "{{ .Values.image }}")
                  .replace("replicas: 1", "replicas: {{ .Values.replicas }}"))
          .write(
              "apps/env/prod-values.yaml", "replicas: 2\nimage: registry.example.com/web:2.0.0\n")
          .push();
      await("the chart's Deployment runs the prod values")
          .atMost(Duration.ofSeconds(90))
          .until(() -> runs(client, "shop-web", "registry.example.com/web:2.0.0", 2));

      git.commit("prod: web 2.1.0")
          .write(
              "apps/env/prod-values.yaml", "replicas: 2\nimage: registry.example.com/web:2.1.0\n")
          .push();
      await("the values change reached the cluster")
          .atMost(Duration.ofSeconds(90))
          .until(() -> runs(client, "shop-web", "registry.example.com/web:2.1.0", 2));
    }
  }

  static String deployment(String name, String image) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + NS
        + "\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n"
        + "    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
        + "        - name: web\n          image: \""
        + image
        + "\"\n";
  }

  static String overlay(String tag, int replicas) {
    return "resources:\n  - ../base\nimages:\n  - name: registry.example.com/web\n    newTag: \""
        + tag
        + "\"\nreplicas:\n  - name: web\n    count: "
        + replicas
        + "\n";
  }

  static boolean runs(KubernetesClient client, String name, String image, int replicas) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
    return d != null
        && d.getSpec().getReplicas() == replicas
        && image.equals(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }
}
