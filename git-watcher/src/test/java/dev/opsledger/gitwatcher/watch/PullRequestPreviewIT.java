package dev.opsledger.gitwatcher.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewRejected;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.Topic;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull request heads ({@code refs/pull/N/head}, {@code refs/merge-requests/N/head}) of a real
 * repository are rendered and validated like commits, written to {@code opsledger.previews} only,
 * once per head, and no more once closed.
 */
class PullRequestPreviewIT {

  static final String PLAIN = "s3cr3t-preview-value";

  @TempDir Path dir;
  GitFixture git;
  String id;
  SourceSettings source;
  EventLog log;
  LogTail previews;
  final PreviewRequests requests = new PreviewRequests();
  final List<dev.opsledger.events.EventEnvelope<?>> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    git = GitFixture.create(dir.resolve("repo"));
    id = Watchers.uniqueId("pr");
    source = Watchers.source(id, git.remoteUrl(), "deploy");
    log = new EventLog(id);
    EventLog.ensureTopics();
    previews =
        LogTail.fromBeginning(
            SharedKafka.bootstrapServers(), LogTail.keyStartsWith(id + "#"), Topic.PREVIEWS);
    git.commit("base")
        .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "1"))
        .write("deploy/gone.yaml", CommitRecordingIT.configMap("gone", "1"))
        .push();
  }

  @AfterEach
  void tearDown() {
    previews.close();
    log.close();
    git.close();
  }

  static String secret(String value) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
        + "\n";
  }

  @Test
  void rendersAPullRequestHeadAgainstTheLastGoodRevisionWithoutRecordingIt() {
    String head =
        git.commit("change a, add a Secret, drop gone")
            .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "2"))
            .write("deploy/db.yaml", secret(PLAIN))
            .delete("deploy/gone.yaml")
            .pushTo("refs/pull/7/head");
    try (SourceWatcher w = watcher()) {
      w.runOnce();
      await("the preview of #7 is on the log")
          .until(() -> previews.data(PreviewRendered.class).size() == 1);
      PreviewRendered p = previews.data(PreviewRendered.class).get(0);
      assertThat(p.number()).isEqualTo(7);
      assertThat(p.headSha()).isEqualTo(head);
      assertThat(p.provider()).isEqualTo("github");
      assertThat(p.baseRevision()).isEqualTo(git.head());
      assertThat(p.changed())
          .extracting(r -> r.resource().name())
          .containsExactlyInAnyOrder("a", "db");
      assertThat(p.removed()).extracting(k -> k.name()).containsExactly("gone");
      PreviewResource db =
          p.changed().stream().filter(r -> r.resource().name().equals("db")).findFirst().get();
      assertThat(db.manifest().at("/data/password").asText()).startsWith("opsledger:sealed:");
      assertThat(previews.records())
          .allSatisfy(
              r ->
                  assertThat(new String(r.value(), StandardCharsets.UTF_8))
                      .doesNotContain(PLAIN)
                      .doesNotContain(Base64.getEncoder().encodeToString(PLAIN.getBytes())));

      // Nothing of the request reached the branch's topics: one commit, its two resources.
      await("the branch's commit is recorded").until(() -> log.observed().size() == 1);
      assertThat(log.desiredEnvelopes()).hasSize(2);
      assertThat(log.changedAt(head)).isEmpty();

      // The same head is previewed once.
      w.runOnce();
      assertThat(published.stream().filter(e -> e.data() instanceof PreviewRendered)).hasSize(1);
    }
  }

  @Test
  void aRejectedHeadGetsTheFileAndLineErrorsOfARejectedCommit() {
    git.commit("broken")
        .write("deploy/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n")
        .pushTo("refs/merge-requests/3/head");
    try (SourceWatcher w =
        Watchers.previewingWatcher(source, dir.resolve("cache"), "gitlab", requests, published)) {
      w.runOnce();
      await("the rejection of !3").until(() -> previews.data(PreviewRejected.class).size() == 1);
    }
    PreviewRejected r = previews.data(PreviewRejected.class).get(0);
    assertThat(r.number()).isEqualTo(3);
    assertThat(r.provider()).isEqualTo("gitlab");
    assertThat(r.errors())
        .anySatisfy(
            e -> {
              assertThat(e.file()).isEqualTo("deploy/bad.yaml");
              assertThat(e.line()).isPositive();
            });

    // The same content committed to the branch is rejected with the same errors.
    git.commit("broken on main")
        .write("deploy/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n")
        .push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache2"))) {
      w.runOnce();
    }
    await("the commit's rejection").until(() -> log.rejected().size() == 1);
    assertThat(log.rejected().get(0).errors()).isEqualTo(r.errors());
  }

  @Test
  void aNewPushIsPreviewedAgainAndARestartDoesNotPreviewTheSameHeadTwice() {
    git.commit("one")
        .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "2"))
        .pushTo("refs/pull/9/head");
    try (SourceWatcher w = watcher()) {
      w.runOnce();
    }
    String second =
        git.commit("two")
            .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "3"))
            .pushTo("refs/pull/9/head");
    try (SourceWatcher restarted = watcher()) {
      restarted.runOnce();
      restarted.runOnce();
    }
    await("two previews of #9").until(() -> previews.data(PreviewRendered.class).size() == 2);
    assertThat(previews.data(PreviewRendered.class).get(1).headSha()).isEqualTo(second);
    try (SourceWatcher again = watcher()) {
      again.runOnce();
    }
    assertThat(published.stream().filter(e -> e.data() instanceof PreviewRendered)).hasSize(2);
  }

  @Test
  void closingARequestWritesOneCloseAndStopsItsPreview() {
    git.commit("one")
        .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "2"))
        .pushTo("refs/pull/4/head");
    try (SourceWatcher w = watcher()) {
      w.runOnce();
      requests.add(id, new PreviewRequests.Change(4, false, false));
      w.runOnce();
      await("#4 closed").until(() -> previews.data(PreviewClosed.class).size() == 1);
      git.commit("after close")
          .write("deploy/a.yaml", CommitRecordingIT.configMap("a", "5"))
          .pushTo("refs/pull/4/head");
      w.runOnce();
    }
    try (SourceWatcher restarted = watcher()) {
      restarted.runOnce();
    }
    assertThat(published.stream().filter(e -> e.data() instanceof PreviewRendered)).hasSize(1);
    assertThat(published.stream().filter(e -> e.data() instanceof PreviewClosed)).hasSize(1);
    assertThat(previews.data(PreviewClosed.class).get(0).merged()).isFalse();
  }

  private SourceWatcher watcher() {
    return Watchers.previewingWatcher(source, dir.resolve("cache"), "github", requests, published);
  }
}
