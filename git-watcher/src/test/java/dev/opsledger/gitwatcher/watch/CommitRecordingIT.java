package dev.opsledger.gitwatcher.watch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.testkit.GitFixture;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each new commit is recorded in order with its desired changes, against a real repo and broker.
 */
class CommitRecordingIT {

  @TempDir Path dir;
  GitFixture git;
  String id;
  SourceSettings source;
  EventLog log;
  final List<EventEnvelope<?>> published = new CopyOnWriteArrayList<>();

  static String configMap(String name, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\ndata:\n  k: \""
        + value
        + "\"\n";
  }

  @BeforeEach
  void setUp() {
    git = GitFixture.create(dir.resolve("repo"));
    id = Watchers.uniqueId("rec");
    source = Watchers.source(id, git.remoteUrl(), "deploy");
    log = new EventLog(id);
  }

  @AfterEach
  void tearDown() {
    log.close();
    git.close();
  }

  @Test
  void firstStartOnAnExistingRepositoryRecordsOnlyTheHeadWithItsFullState() {
    git.commit("one").write("deploy/a.yaml", configMap("a", "1")).push();
    git.commit("two").write("deploy/b.yaml", configMap("b", "1")).write("README.md", "x").push();
    String head = git.head();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), published)) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, head));
    }
    await("the head and its two resources are on the log")
        .until(() -> log.observed().size() == 1 && log.changedAt(head).size() == 2);
    CommitObserved c = log.observed().get(0);
    assertThat(c.sha()).isEqualTo(head);
    assertThat(c.changedPaths()).containsExactly("README.md", "deploy/b.yaml");
    assertThat(log.changedAt(head))
        .extracting(d -> d.resource().toString())
        .containsExactlyInAnyOrder(
            "cluster-" + id + "/core/ConfigMap/apps/a", "cluster-" + id + "/core/ConfigMap/apps/b");
    assertThat(log.changedAt(head).get(0).manifest().at("/metadata/namespace").asText())
        .isEqualTo("apps");
  }

  @Test
  void recordsEveryNewCommitInFirstParentOrderWithDesiredEventsBeforeTheCommit() {
    String first = git.commit("base").write("deploy/a.yaml", configMap("a", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), published)) {
      w.runOnce();
      String c1 = git.commit("change a").write("deploy/a.yaml", configMap("a", "2")).push();
      String c2 = git.commit("add b").write("deploy/b.yaml", configMap("b", "1")).push();
      String c3 = git.commit("docs only").write("README.md", "readme").push();
      String c4 = git.commit("remove a").delete("deploy/a.yaml").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(4, 0, c4));
      assertThat(w.runOnce()).isInstanceOf(WatchOutcome.NoChange.class);

      await("five commits recorded")
          .until(() -> log.observed().size() == 5 && log.removedAt(c4).size() == 1);
      assertThat(log.observed())
          .extracting(CommitObserved::sha)
          .containsExactly(first, c1, c2, c3, c4);
      assertThat(log.changedAt(c1)).extracting(d -> d.resource().name()).containsExactly("a");
      assertThat(log.changedAt(c2)).extracting(d -> d.resource().name()).containsExactly("b");
      assertThat(log.changedAt(c3)).isEmpty();
      assertThat(log.removedAt(c3)).isEmpty();
      DesiredStateRemoved removed = log.removedAt(c4).get(0);
      assertThat(removed.resource().name()).isEqualTo("a");
      assertThat(removed.path()).isEqualTo("deploy/a.yaml");
      // c4 removes one of the two resources c3 declared: the applier's prune guard reads it here.
      assertThat(removed.removalsInRevision()).isEqualTo(1);
      assertThat(removed.declaredBefore()).isEqualTo(2);
      assertThat(log.observed().get(4).parents()).containsExactly(c3);

      // Within each revision, every desired event was acknowledged before its CommitObserved.
      for (String sha : List.of(c1, c2, c4)) {
        int commitAt = indexOf(sha, CommitObserved.class);
        assertThat(published.stream().limit(commitAt).filter(e -> e.correlation().equals(sha)))
            .isNotEmpty();
        assertThat(published.stream().skip(commitAt + 1).filter(e -> e.correlation().equals(sha)))
            .isEmpty();
      }
      assertThat(log.desiredEnvelopes()).allMatch(e -> !e.correlation().isEmpty());
      assertThat(log.desiredEnvelopes())
          .allMatch(
              e ->
                  e.data() instanceof DesiredStateChanged d
                      ? e.correlation().equals(d.revision())
                      : e.correlation().equals(((DesiredStateRemoved) e.data()).revision()));
    }
  }

  @Test
  void keepsPullRequestMetadataOfMergeAndSquashCommits() throws Exception {
    String url = git.remoteUrl();
    git.commit("init").write("deploy/a.yaml", configMap("a", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), published)) {
      w.runOnce();
      String squash = git.commit("Bump a (#41)").write("deploy/a.yaml", configMap("a", "2")).push();
      // A real merge commit: a side branch merged with --no-ff into main.
      var g = git.git();
      g.branchCreate().setName("feature").call();
      g.checkout().setName("feature").call();
      String sideHead =
          git.commit("feature work").write("deploy/f.yaml", configMap("f", "1")).commitOnly();
      g.checkout().setName("main").call();
      String mainWork =
          git.commit("main work").write("deploy/m.yaml", configMap("m", "1")).commitOnly();
      var merge =
          g.merge()
              .include(g.getRepository().resolve("feature"))
              .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF)
              .setCommit(true)
              .setMessage("Merge pull request #42 from org/feature\n\nFeature")
              .call();
      assertThat(merge.getMergeStatus().isSuccessful()).isTrue();
      g.push().setRemote("origin").add("main").call();
      String mergeSha = git.head();
      w.runOnce();

      await("squash, main work and merge recorded").until(() -> log.observed().size() == 4);
      List<CommitObserved> seen = log.observed();
      // First-parent order: the side branch's own commit is not recorded on main.
      assertThat(seen).extracting(CommitObserved::sha).doesNotContain(sideHead);
      assertThat(seen.get(1).sha()).isEqualTo(squash);
      assertThat(seen.get(1).pullRequest().provider()).isEqualTo("github");
      assertThat(seen.get(1).pullRequest().number()).isEqualTo(41);
      assertThat(seen.get(2).sha()).isEqualTo(mainWork);
      assertThat(seen.get(3).sha()).isEqualTo(mergeSha);
      assertThat(seen.get(3).parents()).containsExactly(mainWork, sideHead);
      assertThat(seen.get(3).pullRequest().number()).isEqualTo(42);
      assertThat(seen.get(3).signed()).isFalse();
      assertThat(url).isNotEmpty();
      await("the merge's desired change").until(() -> log.changedAt(mergeSha).size() == 1);
      assertThat(log.changedAt(mergeSha).get(0).resource().name()).isEqualTo("f");
      assertThat(log.changedAt(mergeSha).get(0).pullRequest().number()).isEqualTo(42);
    }
  }

  @Test
  void secretValuesNeverReachTheTopicInPlainTextYetAChangeIsDetected() {
    String plain = "hunter2-very-secret";
    String plain2 = "correct-horse-battery";
    String secret =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
            + Base64.getEncoder().encodeToString(plain.getBytes())
            + "\nstringData:\n  token: "
            + plain2
            + "\n";
    String c1 = git.commit("secret").write("deploy/s.yaml", secret).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), published)) {
      w.runOnce();
      String c2 = git.commit("unrelated").write("deploy/x.yaml", configMap("x", "1")).push();
      String c3 =
          git.commit("rotate")
              .write("deploy/s.yaml", secret.replace(plain2, "rotated-value"))
              .push();
      w.runOnce();
      await("three revisions recorded").until(() -> log.observed().size() == 3);
      await("desired events").until(() -> log.changedAt(c3).size() == 1);
      DesiredStateChanged first = log.changedAt(c1).get(0);
      assertThat(first.manifest().at("/data/password").asText())
          .startsWith(SecretProtector.SEALED_PREFIX);
      assertThat(first.manifest().has("stringData")).isFalse();
      assertThat(log.changedAt(c2)).extracting(d -> d.resource().name()).containsExactly("x");
      assertThat(log.changedAt(c3).get(0).contentHash()).isNotEqualTo(first.contentHash());
      String b64 = Base64.getEncoder().encodeToString(plain.getBytes());
      assertThat(log.rawDesired())
          .noneMatch(
              raw ->
                  raw.contains(plain)
                      || raw.contains(plain2)
                      || raw.contains(b64)
                      || raw.contains("rotated-value"));
    }
  }

  @Test
  void aRejectedRevisionEmitsNoDesiredEventAndTheNextGoodCommitIsAccepted() {
    git.commit("good").write("deploy/a.yaml", configMap("a", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), published)) {
      w.runOnce();
      String good = git.head();
      String bad =
          git.commit("bad")
              .write("deploy/a.yaml", configMap("a", "2"))
              .write("deploy/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, bad));
      String fixed = git.commit("fix").delete("deploy/broken.yaml").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, fixed));
      await("three commits and one rejection")
          .until(() -> log.observed().size() == 3 && log.rejected().size() == 1);
      CommitRejected r = log.rejected().get(0);
      assertThat(r.sha()).isEqualTo(bad);
      assertThat(r.lastGoodRevision()).isEqualTo(good);
      assertThat(r.errors())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.file()).isEqualTo("deploy/broken.yaml");
                assertThat(e.line()).isEqualTo(1);
                assertThat(e.reason()).contains("no metadata.name");
              });
      assertThat(log.changedAt(bad)).isEmpty();
      // The change to a.yaml made in the rejected commit takes effect with the next good one.
      await("a's change is declared at the fix").until(() -> log.changedAt(fixed).size() == 1);
      assertThat(log.changedAt(fixed).get(0).resource())
          .isEqualTo(ResourceKey.of("cluster-" + id, "", "ConfigMap", "apps", "a"));
    }
  }

  private int indexOf(String sha, Class<?> type) {
    for (int i = 0; i < published.size(); i++) {
      if (type.isInstance(published.get(i).data()) && published.get(i).correlation().equals(sha)) {
        return i;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " for " + sha);
  }
}
