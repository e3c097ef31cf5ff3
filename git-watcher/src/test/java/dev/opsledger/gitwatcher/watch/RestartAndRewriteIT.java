package dev.opsledger.gitwatcher.watch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.gitwatcher.GitWatcherMetrics;
import dev.opsledger.gitwatcher.git.GitMirror;
import dev.opsledger.gitwatcher.manifest.ManifestPipeline;
import dev.opsledger.gitwatcher.manifest.ResourceScopes;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log is the checkpoint: restarts resume without gaps or duplicates; rewrites are recorded. */
class RestartAndRewriteIT {

  @TempDir Path dir;
  GitFixture git;
  String id;
  SourceSettings source;
  EventLog log;

  static String cm(String name, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\ndata:\n  k: \""
        + value
        + "\"\n";
  }

  @BeforeEach
  void setUp() {
    git = GitFixture.create(dir.resolve("repo"));
    id = Watchers.uniqueId("restart");
    source = Watchers.source(id, git.remoteUrl(), "");
    log = new EventLog(id);
  }

  @AfterEach
  void tearDown() {
    log.close();
    git.close();
  }

  @Test
  void aRestartResumesAfterTheLastRecordedCommitWithoutGapsOrDuplicates() {
    String c1 =
        git.commit("one").write("a.yaml", cm("a", "1")).write("b.yaml", cm("b", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"))) {
      w.runOnce();
    }
    String c2 = git.commit("two").write("a.yaml", cm("a", "2")).push();
    String c3 = git.commit("three").write("c.yaml", cm("c", "1")).push();
    // A new process: fresh clone directory too, so nothing but the log is remembered.
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache-2"))) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(2, 0, c3));
    }
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache-2"))) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.NoChange(c3));
    }
    await("three commits").until(() -> log.observed().size() >= 3);
    assertThat(log.observed()).extracting(CommitObserved::sha).containsExactly(c1, c2, c3);
    // The sequence goes on from the log, not from the restarted process.
    assertThat(log.observed()).extracting(CommitObserved::sequence).containsExactly(1L, 2L, 3L);
    assertThat(log.changedAt(c3)).extracting(d -> d.sequence()).containsExactly(3L);
    // The index was rebuilt from c1's tree: b, unchanged, is not declared again.
    assertThat(log.changedAt(c2)).extracting(d -> d.resource().name()).containsExactly("a");
    assertThat(log.changedAt(c3)).extracting(d -> d.resource().name()).containsExactly("c");
  }

  @Test
  void aCrashBetweenDesiredEventsAndTheCommitReplaysTheRevisionWithTheSameEventIds() {
    git.commit("one").write("a.yaml", cm("a", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"))) {
      w.runOnce();
    }
    String c2 = git.commit("two").write("a.yaml", cm("a", "2")).push();
    AtomicBoolean failCommit = new AtomicBoolean(true);
    EventSink crashing =
        Watchers.sink(
            events -> {
              boolean commit = events.stream().anyMatch(e -> e.data() instanceof CommitObserved);
              if (commit && failCommit.getAndSet(false)) {
                throw new IllegalStateException(
                    "simulated crash before the commit is acknowledged");
              }
              Watchers.publisher().publishAll(events, Duration.ofSeconds(60));
            });
    try (SourceWatcher w = watcherWith(crashing)) {
      assertThat(w.runOnce()).isInstanceOf(WatchOutcome.Failed.class);
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, c2));
    }
    await("c2 recorded once, its desired event written twice with one id")
        .until(() -> log.observed().size() == 2 && log.changedAt(c2).size() == 2);
    List<String> idsForC2 =
        log.desiredEnvelopes().stream()
            .filter(e -> e.correlation().equals(c2))
            .map(EventEnvelope::id)
            .toList();
    assertThat(idsForC2).hasSize(2).containsOnly(idsForC2.get(0));
    assertThat(log.changedAt(c2)).extracting(d -> d.sequence()).containsOnly(2L);
    assertThat(log.observed().get(1).sequence()).isEqualTo(2L);
  }

  @Test
  void aForcePushIsRecordedAsARewriteAndTheNewHeadBecomesTheTruth() {
    String base = git.commit("base").write("a.yaml", cm("a", "1")).push();
    String gone = git.commit("to be rewritten").write("b.yaml", cm("b", "1")).push();
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"))) {
      w.runOnce();
      git.resetAndForcePush(base);
      String replacement = git.commit("replacement").write("c.yaml", cm("c", "1")).push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, replacement));

      await("the replacement").until(() -> log.observed().size() == 2);
      CommitObserved r = log.observed().get(1);
      assertThat(r.sha()).isEqualTo(replacement);
      assertThat(r.rewrittenFrom()).isEqualTo(gone);
      await("b removed and c added at the replacement")
          .until(
              () ->
                  log.removedAt(replacement).size() == 1 && log.changedAt(replacement).size() == 1);
      assertThat(log.removedAt(replacement).get(0).resource().name()).isEqualTo("b");
      assertThat(log.changedAt(replacement).get(0).resource().name()).isEqualTo("c");

      // Moving the branch back to an older commit records that commit again as a rewrite.
      git.resetAndForcePush(base);
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, base));
      await("back at base").until(() -> log.observed().size() == 3);
      assertThat(log.observed().get(2).rewrittenFrom()).isEqualTo(replacement);
      await("c removed").until(() -> log.removedAt(base).size() == 1);
      // base is an older commit, but this recording of it is the newest: readers order by it.
      assertThat(log.observed()).extracting(CommitObserved::sequence).containsExactly(1L, 2L, 3L);
      assertThat(log.removedAt(base).get(0).sequence()).isEqualTo(3L);
    }
  }

  @Test
  void headsOnlySourcesRecordOnlyTheHeadOfEachFetch() {
    SourceSettings headsOnly =
        new SourceSettings(
            source.id(),
            source.url(),
            source.kind(),
            "main",
            "",
            source.target(),
            "apps",
            source.pollInterval(),
            false,
            source.auth());
    git.commit("one").write("a.yaml", cm("a", "1")).push();
    try (SourceWatcher w = Watchers.watcher(headsOnly, dir.resolve("cache"))) {
      w.runOnce();
      git.commit("two").write("b.yaml", cm("b", "1")).push();
      String three = git.commit("three").write("c.yaml", cm("c", "1")).push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, three));
      await("two commits and b, c declared at three")
          .until(() -> log.observed().size() == 2 && log.changedAt(three).size() == 2);
    }
  }

  private SourceWatcher watcherWith(EventSink sink) {
    return new SourceWatcher(
        source,
        new GitMirror(source, dir.resolve("cache-crash")),
        new ManifestPipeline(
            source.target(),
            source.defaultNamespace(),
            new ResourceScopes(List.of()),
            Watchers.SECRETS),
        new CommitLogCheckpoints(
            KafkaConnection.of(SharedKafka.bootstrapServers()),
            new EventCodec(),
            Duration.ofSeconds(60)),
        sink,
        new GitWatcherMetrics(new SimpleMeterRegistry()),
        2L * 1024 * 1024,
        1000);
  }
}
