package dev.opsledger.notifier.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ManifestError;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PreviewChange;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRejected;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.channel.ChannelSpec;
import dev.opsledger.notifier.channel.Channels;
import dev.opsledger.notifier.dispatch.PreviewNotifier;
import dev.opsledger.testkit.FakeGitHost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One comment per pull request, kept up to date on loopback fakes of the GitHub and GitLab REST
 * APIs: created, edited on a new push, found again after a restart, marked closed, never replaced
 * by an older preview; Secret values and fences from manifests stay masked.
 */
class PullRequestCommentsIT {

  static final String TOKEN = "fake-token-" + java.util.UUID.randomUUID();
  static final Instant T1 = Instant.parse("2026-11-30T10:00:00Z");
  static final Instant T2 = Instant.parse("2026-11-30T10:05:00Z");
  static final ResourceKey WEB = ResourceKey.of("prod", "", "ConfigMap", "shop", "web");
  static final ResourceKey DB = ResourceKey.of("prod", "", "Secret", "shop", "db");
  static final ResourceKey OLD = ResourceKey.of("prod", "", "ConfigMap", "shop", "old");

  final FakeGitHost host = FakeGitHost.start(TOKEN);

  @AfterEach
  void stop() {
    host.close();
  }

  PreviewNotifier notifier(String type, String repository) {
    ChannelSpec spec =
        new ChannelSpec(
            "pr-" + type,
            type,
            null,
            null,
            TOKEN,
            null,
            null,
            null,
            host.apiUrl(),
            repository,
            "opsledger",
            "",
            Duration.ofSeconds(5),
            "");
    return new PreviewNotifier(
        List.of(Channels.pullRequestComments(spec, HttpClient.newHttpClient()).orElseThrow()),
        (channel, source) -> true,
        new SimpleMeterRegistry());
  }

  static EventEnvelope<OpsLedgerEvent> event(OpsLedgerEvent data) {
    return EventEnvelope.create("/opsledger/test", "head", data);
  }

  static PreviewDiffed diffed(String provider, long number, String head, Instant at, String web) {
    return new PreviewDiffed(
        "shop",
        "",
        provider,
        number,
        head,
        at,
        List.of(
            new PreviewChange(
                WEB, PreviewChangeKind.CHANGED, "@@ -1 +1 @@\n-  mode: a\n+  mode: " + web + "\n"),
            new PreviewChange(
                DB,
                PreviewChangeKind.CHANGED,
                "@@ -1 +1 @@\n   password: <secret changed>\n+  token: opsledger:sealed:v2:QUJDREVGRw\n"),
            new PreviewChange(OLD, PreviewChangeKind.PRUNED, "")));
  }

  @Test
  void githubGetsOneCommentCreatedThenEditedOnANewPushAndAStatusOnEachHead() {
    PreviewNotifier n = notifier("github", "o/r");
    host.addComment("o/r", 7, "Looks good to me");

    n.accept(event(diffed("github", 7, "sha1", T1, "b")));
    assertThat(host.comments("o/r", 7)).hasSize(2);
    String first = host.comments("o/r", 7).get(1).body();
    assertThat(first)
        .contains("0 to add")
        .contains("2 to change")
        .contains("1 to prune")
        .contains("<details>")
        .contains("+  mode: b");

    n.accept(event(diffed("github", 7, "sha2", T2, "c")));
    assertThat(host.comments("o/r", 7)).hasSize(2);
    assertThat(host.comments("o/r", 7).get(1).body()).contains("+  mode: c").contains("sha2");
    assertThat(host.statuses())
        .extracting(s -> s.path("sha").asText() + "=" + s.path("state").asText())
        .containsExactly("sha1=success", "sha2=success");
    assertThat(host.statuses().get(1).path("context").asText()).isEqualTo("opsledger/preview");
    assertThat(host.statuses().get(1).path("description").asText())
        .isEqualTo("0 to add, 2 to change, 1 to prune (0 unchanged)");
  }

  @Test
  void aRestartedNotifierFindsItsCommentAgainAndAnOlderPreviewNeverReplacesANewerOne() {
    notifier("github", "o/r").accept(event(diffed("github", 8, "sha2", T2, "new")));
    PreviewNotifier restarted = notifier("github", "o/r");

    restarted.accept(event(diffed("github", 8, "sha1", T1, "old")));
    assertThat(host.comments("o/r", 8))
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("mode: new"));

    restarted.accept(event(diffed("github", 8, "sha2", T2, "new")));
    assertThat(host.comments("o/r", 8)).hasSize(1);
    assertThat(host.requests()).noneMatch(r -> r.method().equals("PATCH"));
  }

  @Test
  void closingStopsThePreviewAndSaysSo() {
    PreviewNotifier n = notifier("github", "o/r");
    n.accept(event(diffed("github", 9, "sha1", T1, "b")));
    n.accept(event(new PreviewClosed("shop", "", "github", 9, false, T2)));
    assertThat(host.comments("o/r", 9))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.body())
                    .contains("This pull request was closed: the preview stopped")
                    .contains("mode: b"));

    int statuses = host.statuses().size();
    n.accept(event(diffed("github", 9, "sha1", T1, "late")));
    assertThat(host.comments("o/r", 9).get(0).body()).doesNotContain("late");
    assertThat(host.statuses()).hasSize(statuses);
  }

  @Test
  void gitlabGetsOneNoteWithTheRejectionsFileAndLineThenTheDiffOnTheNextPush() {
    PreviewNotifier n = notifier("gitlab", "group/proj");
    n.accept(
        event(
            new PreviewRejected(
                "shop",
                "",
                "gitlab",
                3,
                "sha1",
                T1,
                List.of(new ManifestError("deploy/bad.yaml", 4, "YAML: mapping expected")))));
    assertThat(host.comments("group/proj", 3))
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("deploy/bad.yaml:4: YAML: mapping expected"));
    assertThat(host.statuses().get(0).path("state").asText()).isEqualTo("failed");
    assertThat(host.statuses().get(0).path("name").asText()).isEqualTo("opsledger/preview");

    n.accept(event(diffed("gitlab", 3, "sha2", T2, "b")));
    assertThat(host.comments("group/proj", 3))
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("+  mode: b").doesNotContain("bad.yaml"));
    assertThat(host.requests()).anyMatch(r -> r.method().equals("PUT"));
  }

  @Test
  void secretValuesAndCodeFencesFromManifestsStayMasked() {
    PreviewNotifier n = notifier("github", "o/r");
    PreviewDiffed hostile =
        new PreviewDiffed(
            "shop",
            "",
            "github",
            11,
            "sha1",
            T1,
            List.of(
                new PreviewChange(
                    WEB,
                    PreviewChangeKind.CHANGED,
                    "+  note: |\n+    ```\n+    </details><img src=x>\n+    ```\n"),
                new PreviewChange(
                    DB,
                    PreviewChangeKind.CHANGED,
                    "+  password: opsledger:sealed:v2:c2VjcmV0LXNlYWxlZA\n"
                        + "+  hash: opsledger:hashed:v1:abcdef\n")));
    n.accept(event(hostile));
    String body = host.comments("o/r", 11).get(0).body();
    assertThat(body).doesNotContain("opsledger:sealed:v2:c2Vj").doesNotContain("hashed:v1:abcdef");
    // Only the comment's own fences open and close code blocks.
    long fences = body.lines().filter(l -> l.startsWith("```")).count();
    assertThat(fences).isEqualTo(4);
    assertThat(body).doesNotContain("\n+    ```");
  }

  @Test
  void aWrongTokenIsATerminalRefusalThatNamesNoSecret() {
    ChannelSpec spec =
        new ChannelSpec(
            "pr-github",
            "github",
            null,
            null,
            "wrong-token",
            null,
            null,
            null,
            host.apiUrl(),
            "o/r",
            "opsledger",
            "",
            Duration.ofSeconds(5),
            "");
    PreviewNotifier n =
        new PreviewNotifier(
            List.of(Channels.pullRequestComments(spec, HttpClient.newHttpClient()).orElseThrow()),
            (channel, source) -> true,
            new SimpleMeterRegistry());
    n.accept(event(diffed("github", 12, "sha1", T1, "b")));
    assertThat(host.comments("o/r", 12)).isEmpty();
  }
}
