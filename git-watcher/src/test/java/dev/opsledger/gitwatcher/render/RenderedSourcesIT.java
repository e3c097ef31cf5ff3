package dev.opsledger.gitwatcher.render;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.ManifestError;
import dev.opsledger.gitwatcher.source.RenderSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import dev.opsledger.gitwatcher.watch.WatchOutcome;
import dev.opsledger.testkit.GitFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kustomize overlays and Helm charts of a real Git repository, rendered by the watcher and
 * published to the real broker: golden desired sets (input tree in {@code render/<case>/deploy},
 * expected events in {@code render/<case>/expected.json}), changes, and rendering errors that
 * reject the commit. Kustomize runs from the {@code PATH} (kubectl kustomize on this machine): a
 * machine without it fails here, it does not skip.
 */
class RenderedSourcesIT {

  static final String PASSWORD = "s3cr3t-from-kustomize";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @TempDir Path dir;
  GitFixture git;
  String id;
  EventLog log;

  @BeforeEach
  void setUp() {
    git = GitFixture.create(dir.resolve("repo"));
    id = Watchers.uniqueId("render");
    log = new EventLog(id);
  }

  @AfterEach
  void tearDown() {
    log.close();
    git.close();
  }

  static RenderSettings kustomize(String... paths) {
    return new RenderSettings(List.of(paths), List.of());
  }

  static RenderSettings helm(String chart, String... values) {
    return new RenderSettings(
        List.of(), List.of(new RenderSettings.HelmChart(chart, List.of(values), "shop")));
  }

  SourceWatcher watcher(RenderSettings render) {
    SourceSettings source = Watchers.source(id, git.remoteUrl(), "deploy", render);
    return Watchers.renderingWatcher(source, dir.resolve("cache"), new CopyOnWriteArrayList<>());
  }

  @Test
  void kustomizeOverlayIsRenderedIntoTheGoldenDesiredSet() throws IOException {
    String sha = commitTree("kustomize");
    try (SourceWatcher w = watcher(kustomize("deploy/overlays/prod"))) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, sha));
    }
    await("the overlay's five resources and the plain Namespace")
        .until(() -> log.changedAt(sha).size() == 5);
    assertGolden("kustomize", log.changedAt(sha));
    assertThat(log.rawDesired()).noneMatch(raw -> raw.contains(PASSWORD));
    assertThat(log.rawDesired())
        .noneMatch(
            raw ->
                raw.contains(
                    Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void overlayChangeEmitsOnlyTheResourceItChanges() throws IOException {
    commitTree("kustomize");
    try (SourceWatcher w = watcher(kustomize("deploy/overlays/prod"))) {
      w.runOnce();
      String change =
          git.commit("prod: 5 replicas")
              .write(
                  "deploy/overlays/prod/replicas.yaml",
                  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
                      + "  replicas: 5\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, change));
      await("the Deployment changed").until(() -> log.changedAt(change).size() == 1);
      DesiredStateChanged d = log.changedAt(change).get(0);
      assertThat(d.resource().kind()).isEqualTo("Deployment");
      assertThat(d.path()).isEqualTo("deploy/overlays/prod (kustomize)");
      assertThat(d.manifest().at("/spec/replicas").asInt()).isEqualTo(5);
      assertThat(log.removedAt(change)).isEmpty();

      String readme = git.commit("docs only").write("README.md", "no manifests\n").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, readme));
    }
    await("the README commit recorded").until(() -> log.observed().size() == 3);
    assertThat(log.changedAt(git.head())).isEmpty();
  }

  @Test
  void aRestartRebuildsTheRenderedStateAndEmitsOnlyWhatChangedSince() throws IOException {
    commitTree("kustomize");
    try (SourceWatcher first = watcher(kustomize("deploy/overlays/prod"))) {
      first.runOnce();
    }
    await("the first revision recorded").until(() -> log.observed().size() == 1);
    String change =
        git.commit("prod: 1.4.3")
            .write(
                "deploy/overlays/prod/kustomization.yaml",
                Files.readString(
                        resource("render/kustomize/deploy/overlays/prod/kustomization.yaml"))
                    .replace("1.4.2", "1.4.3"))
            .push();
    try (SourceWatcher restarted = watcher(kustomize("deploy/overlays/prod"))) {
      assertThat(restarted.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, change));
    }
    await("the changed Deployment").until(() -> log.changedAt(change).size() == 1);
    assertThat(
            log.changedAt(change)
                .get(0)
                .manifest()
                .at("/spec/template/spec/containers/0/image")
                .asText())
        .isEqualTo("registry.example.com/web:1.4.3");
    assertThat(log.removedAt(change)).isEmpty();
  }

  @Test
  void helmChartIsRenderedIntoTheGoldenDesiredSetWithValuesInOrder() throws IOException {
    String sha = commitTree("helm");
    try (SourceWatcher w =
        watcher(
            helm(
                "deploy/charts/web",
                "deploy/charts/web/values.yaml",
                "deploy/env/prod-values.yaml"))) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, sha));
    }
    await("the chart's two resources").until(() -> log.changedAt(sha).size() == 2);
    assertGolden("helm", log.changedAt(sha));
  }

  @Test
  void helmValuesChangeEmitsTheChangedDeployment() throws IOException {
    commitTree("helm");
    try (SourceWatcher w = watcher(helm("deploy/charts/web", "deploy/env/prod-values.yaml"))) {
      w.runOnce();
      String change =
          git.commit("prod: web 2.2.0")
              .write("deploy/env/prod-values.yaml", "replicaCount: 4\nimage:\n  tag: \"2.2.0\"\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, change));
      await("the Deployment changed").until(() -> log.changedAt(change).size() == 1);
      DesiredStateChanged d = log.changedAt(change).get(0);
      assertThat(d.path()).isEqualTo("deploy/charts/web/templates/deployment.yaml");
      assertThat(d.manifest().at("/spec/template/spec/containers/0/image").asText())
          .isEqualTo("registry.example.com/web:2.2.0");
    }
  }

  @Test
  void kustomizeBuildErrorRejectsTheCommitAndTheNextGoodOneIsAccepted() throws IOException {
    String good = commitTree("kustomize");
    String fixed;
    try (SourceWatcher w = watcher(kustomize("deploy/overlays/prod"))) {
      w.runOnce();
      String bad =
          git.commit("patch a file that is not there")
              .delete("deploy/overlays/prod/replicas.yaml")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, bad));
      CommitRejected r = awaitRejection();
      assertThat(r.lastGoodRevision()).isEqualTo(good);
      assertThat(r.errors()).hasSize(1);
      assertThat(r.errors().get(0).file()).isEqualTo("deploy/overlays/prod");
      assertThat(r.errors().get(0).reason())
          .startsWith("kustomize build failed:")
          .contains("replicas.yaml")
          .doesNotContain(dir.toString());
      assertThat(log.changedAt(bad)).isEmpty();

      fixed =
          git.commit("put it back")
              .write(
                  "deploy/overlays/prod/replicas.yaml",
                  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
                      + "  replicas: 3\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, fixed));
    }
    await("the fixed commit recorded").until(() -> log.observed().size() == 3);
    assertThat(log.changedAt(fixed)).isEmpty();
  }

  @Test
  void helmTemplateErrorRejectsTheCommitWithTheChartAndTemplate() throws IOException {
    commitTree("helm");
    try (SourceWatcher w = watcher(helm("deploy/charts/web", "deploy/env/prod-values.yaml"))) {
      w.runOnce();
      String bad =
          git.commit("broken template")
              .write(
                  "deploy/charts/web/templates/service.yaml",
                  "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.nope.deeper }}\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, bad));
    }
    ManifestError e = awaitRejection().errors().get(0);
    assertThat(e.file()).isEqualTo("deploy/charts/web");
    assertThat(e.reason()).startsWith("helm template failed:").contains("templates/service.yaml");
  }

  @Test
  void missingValuesFileRejectsTheCommit() throws IOException {
    commitTree("helm");
    try (SourceWatcher w = watcher(helm("deploy/charts/web", "deploy/env/prod-values.yaml"))) {
      w.runOnce();
      git.commit("values moved").delete("deploy/env/prod-values.yaml").push();
      w.runOnce();
    }
    assertThat(awaitRejection().errors())
        .containsExactly(
            new ManifestError(
                "deploy/env/prod-values.yaml",
                0,
                "values file of chart deploy/charts/web is not in this revision"));
  }

  @Test
  void remoteBaseIsRefusedWithoutTouchingTheNetwork() throws IOException {
    commitTree("kustomize");
    try (SourceWatcher w = watcher(kustomize("deploy/overlays/prod"))) {
      w.runOnce();
      git.commit("remote base")
          .write(
              "deploy/base/kustomization.yaml",
              "resources:\n  - deployment.yaml\n  - service.yaml\n"
                  + "  - github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6\n")
          .push();
      w.runOnce();
    }
    ManifestError e = awaitRejection().errors().get(0);
    assertThat(e.file()).isEqualTo("deploy/base/kustomization.yaml");
    assertThat(e.reason()).contains("is a remote base: refused").contains("without network");
  }

  @Test
  void baseOutsideTheSourcePathIsRefused() throws IOException {
    commitTree("kustomize");
    git.commit("a base elsewhere in the repository")
        .write("other/kustomization.yaml", "resources:\n  - cm.yaml\n")
        .write("other/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n")
        .write(
            "deploy/overlays/prod/kustomization.yaml",
            "resources:\n  - ../../base\n  - ../../../other\n")
        .push();
    try (SourceWatcher w = watcher(kustomize("deploy/overlays/prod"))) {
      w.runOnce();
    }
    ManifestError e = awaitRejection().errors().get(0);
    assertThat(e.file()).isEqualTo("deploy/overlays/prod/kustomization.yaml");
    assertThat(e.reason()).contains("'../../../other' leaves the source's path");
  }

  @Test
  void aRenderingErrorOfOneSourceLeavesAnotherSourceWorking() throws IOException {
    commitTree("kustomize");
    git.commit("break the overlay")
        .write("deploy/overlays/prod/kustomization.yaml", "resources:\n  - missing.yaml\n")
        .write("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
        .push();
    String plainId = Watchers.uniqueId("plain");
    try (EventLog plainLog = new EventLog(plainId);
        SourceWatcher broken = watcher(kustomize("deploy/overlays/prod"));
        SourceWatcher plain =
            Watchers.watcher(
                Watchers.source(plainId, git.remoteUrl(), "plain"), dir.resolve("cache-plain"))) {
      assertThat(broken.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, git.head()));
      assertThat(plain.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, git.head()));
      await("the plain source's ConfigMap").until(() -> plainLog.changedAt(git.head()).size() == 1);
    }
    assertThat(awaitRejection().errors().get(0).file()).isEqualTo("deploy/overlays/prod");
  }

  private CommitRejected awaitRejection() {
    await("a CommitRejected").until(() -> !log.rejected().isEmpty());
    return log.rejected().get(log.rejected().size() - 1);
  }

  /** Commits every file of {@code render/<name>/} as one commit; returns its sha. */
  private String commitTree(String name) throws IOException {
    Path root = resource("render/" + name);
    var commit = git.commit("add " + name);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root.resolve("deploy"))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      commit.write(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
    }
    return commit.push();
  }

  /**
   * Compares the desired events with {@code render/<name>/expected.json}: per resource (key without
   * the per-test target), the path it came from and the manifest, Secret values replaced by a
   * marker after checking they are sealed. {@code -Dgolden.update=true} rewrites the file.
   */
  private void assertGolden(String name, List<DesiredStateChanged> events) throws IOException {
    Map<String, Object> actual = new TreeMap<>();
    for (DesiredStateChanged d : events) {
      JsonNode manifest = d.manifest().deepCopy();
      if (d.resource().kind().equals("Secret") && manifest.get("data") instanceof ObjectNode data) {
        List<String> keys = new ArrayList<>();
        data.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
          assertThat(data.get(k).asText()).isNotEqualTo("czNjcjN0LWZyb20ta3VzdG9taXpl");
          data.put(k, "<sealed>");
        }
      }
      String key = d.resource().toString().substring(d.resource().target().length() + 1);
      // Ordered: Map.of iterates in an order that changes from one JVM to the next.
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("path", d.path());
      entry.put("manifest", manifest);
      actual.put(key, entry);
    }
    String text = JSON.writeValueAsString(actual) + "\n";
    Path golden = Path.of("src/test/resources/render").resolve(name).resolve("expected.json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, text);
    }
    assertThat(text).isEqualTo(Files.readString(golden));
  }

  private static Path resource(String name) {
    try {
      return Path.of(RenderedSourcesIT.class.getClassLoader().getResource(name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("no test resource " + name, e);
    }
  }
}
