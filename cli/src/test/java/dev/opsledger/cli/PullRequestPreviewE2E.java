package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.FakeGitHost;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pull request previews through the whole of {@code opsledger up}: a request head published under
 * {@code refs/pull/N/head} (GitHub) or {@code refs/merge-requests/N/head} (GitLab) of a real
 * repository is rendered by the git-watcher, diffed against the live state by the differ and shown
 * in ONE comment on a loopback fake of the host's REST API, updated on the next push; the Secret it
 * changes stays masked; and nothing of it reaches {@code opsledger.diffs}, {@code
 * opsledger.applies} or the cluster.
 */
class PullRequestPreviewE2E {

  static final String NS = PruneGuardE2E.NS;
  static final String TOKEN = "e2e-host-token";
  static final String OLD_PASSWORD = "old-plain-password-e2e";
  static final String NEW_PASSWORD = "new-plain-password-e2e";

  @TempDir Path dir;

  static String secret(String password) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: "
        + NS
        + "\ndata:\n  password: "
        + Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8))
        + "\n";
  }

  static String greeting(String text) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: "
        + NS
        + "\ndata:\n  greeting: "
        + text
        + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"github, o/shop, refs/pull/5/head", "gitlab, group/shop, refs/merge-requests/5/head"})
  void aRequestGetsOneCommentUpdatedOnPushWithItsSecretMaskedAndNothingApplied(
      String provider, String repository, String ref) throws Exception {
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        FakeGitHost host = FakeGitHost.start(TOKEN);
        Launcher.Running running =
            PruneGuardE2E.launch(
                dir,
                git,
                Map.of(
                    "opsledger.git-watcher.sources[0].previews.provider", provider,
                    "opsledger.notifier.channels.host.type", provider,
                    "opsledger.notifier.channels.host.api-url", host.apiUrl(),
                    "opsledger.notifier.channels.host.repository", repository,
                    "opsledger.notifier.channels.host.token", TOKEN))) {
      KubernetesClient client = running.emulator().client();
      git.commit("Declare the shop")
          .write("apps/namespace.yaml", PruneGuardE2E.namespace())
          .write("apps/web.yaml", greeting("hello"))
          .write("apps/db.yaml", secret(OLD_PASSWORD))
          .write("apps/old.yaml", PruneGuardE2E.configMap("old"))
          .push();
      await("the branch is live and in sync")
          .atMost(Duration.ofSeconds(90))
          .until(() -> inSync(running, List.of("web", "db", "old")));
      long webEventsBefore = about(running, "web");
      String webVersion = web(client).getMetadata().getResourceVersion();

      git.commit("Change the greeting and the password, add extra, drop old")
          .write("apps/web.yaml", greeting("bonjour"))
          .write("apps/db.yaml", secret(NEW_PASSWORD))
          .write("apps/extra.yaml", PruneGuardE2E.configMap("extra"))
          .delete("apps/old.yaml")
          .pushTo(ref);
      await("one comment on request 5")
          .atMost(Duration.ofSeconds(60))
          .until(() -> host.comments(repository, 5).size() == 1);
      String first = host.comments(repository, 5).get(0).body();
      assertThat(first)
          .contains("1 to add, 2 to change, 1 to prune")
          .contains("<details>")
          .contains("+  greeting: bonjour")
          .contains("<secret changed>");

      String second =
          git.commit("Say hola instead").write("apps/web.yaml", greeting("hola")).pushTo(ref);
      await("the same comment shows the new push")
          .atMost(Duration.ofSeconds(60))
          .until(() -> host.comments(repository, 5).get(0).body().contains("+  greeting: hola"));
      assertThat(host.comments(repository, 5)).hasSize(1);
      await("a preview status on the new head")
          .until(() -> previewStatuses(host).anyMatch(s -> s.path("sha").asText().equals(second)));
      assertThat(previewStatuses(host)).allMatch(s -> s.path("state").asText().equals("success"));

      // Masked everywhere: the comment, the previews topic.
      for (String plain : List.of(NEW_PASSWORD, OLD_PASSWORD)) {
        String b64 = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        assertThat(host.comments(repository, 5).get(0).body()).doesNotContain(plain, b64);
        assertThat(rawPreviews(running)).noneMatch(r -> r.contains(plain) || r.contains(b64));
      }
      assertThat(previews(running)).hasSize(2);

      // Nothing of the request was reconciled: no diff, no apply, the cluster as the branch says.
      assertThat(about(running, "web")).isEqualTo(webEventsBefore);
      assertThat(about(running, "extra")).isZero();
      assertThat(web(client).getData()).containsEntry("greeting", "hello");
      assertThat(web(client).getMetadata().getResourceVersion()).isEqualTo(webVersion);
      assertThat(client.configMaps().inNamespace(NS).withName("extra").get()).isNull();
      assertThat(client.configMaps().inNamespace(NS).withName("old").get()).isNotNull();
    }
  }

  /** The statuses of previews (the channel also posts the branch's commit statuses). */
  private static java.util.stream.Stream<com.fasterxml.jackson.databind.JsonNode> previewStatuses(
      FakeGitHost host) {
    return host.statuses().stream()
        .filter(s -> "opsledger/preview".equals(s.path("context").asText(s.path("name").asText())));
  }

  private static ConfigMap web(KubernetesClient client) {
    return client.configMaps().inNamespace(NS).withName("web").get();
  }

  private static boolean inSync(Launcher.Running running, List<String> names) {
    var diffs = DetectOnlyE2E.events(running, Topic.DIFFS);
    return names.stream()
        .allMatch(
            n ->
                diffs.stream()
                    .anyMatch(d -> d instanceof ResourceInSync s && s.resource().name().equals(n)));
  }

  /** The events on opsledger.diffs and opsledger.applies about a resource of the namespace. */
  private static long about(Launcher.Running running, String name) {
    return java.util.stream.Stream.concat(
            DetectOnlyE2E.events(running, Topic.DIFFS).stream(),
            DetectOnlyE2E.events(running, Topic.APPLIES).stream())
        .filter(e -> e.resource().name().equals(name) && e.resource().namespace().equals(NS))
        .count();
  }

  private static List<PreviewDiffed> previews(Launcher.Running running) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return reader.read(EnumSet.of(Topic.PREVIEWS), null, null).stream()
          .filter(LoggedEvent::readable)
          .map(LoggedEvent::data)
          .filter(PreviewDiffed.class::isInstance)
          .map(PreviewDiffed.class::cast)
          .toList();
    }
  }

  private static List<String> rawPreviews(Launcher.Running running) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return reader.read(EnumSet.of(Topic.PREVIEWS), null, null).stream()
          .map(e -> String.valueOf(e.data()))
          .toList();
    }
  }
}
