package dev.opsledger.gitwatcher.watch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.source.RepositoryUrls;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.SmartHttpGitServer;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.testkit.GitFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching over Git's smart HTTP protocol with credentials: basic authentication and a token work,
 * wrong credentials fail the cycle without the secret appearing anywhere. (Plain http:// is refused
 * by source validation; the test builds the settings directly because the loopback server has no
 * TLS certificate.)
 */
class SmartHttpAuthIT {

  static final String TOKEN = "tok-" + java.util.UUID.randomUUID();

  @TempDir Path dir;
  GitFixture git;
  SmartHttpGitServer server;

  @BeforeEach
  void setUp() throws Exception {
    git = GitFixture.create(dir.resolve("repo"));
    git.commit("init")
        .write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
        .push();
    server = new SmartHttpGitServer(git.remoteDir(), "x-access-token", TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    git.close();
  }

  SourceSettings source(String id, GitWatcherProperties.Auth auth) {
    return new SourceSettings(
        id,
        server.url(),
        RepositoryUrls.Kind.HTTPS,
        "main",
        "",
        "http-cluster",
        "apps",
        Duration.ofSeconds(30),
        true,
        auth);
  }

  @Test
  void fetchesWithATokenOverSmartHttp() {
    var auth = new GitWatcherProperties.Auth(TOKEN, null, null, null, null, null);
    String id = Watchers.uniqueId("http");
    try (EventLog log = new EventLog(id);
        SourceWatcher w = Watchers.watcher(source(id, auth), dir.resolve("cache"))) {
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, git.head()));
      String next =
          git.commit("more")
              .write("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
              .push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, next));
      await("both commits and both resources")
          .until(() -> log.observed().size() == 2 && log.changedAt(next).size() == 1);
    }
  }

  @Test
  void basicAuthenticationWithAWrongPasswordFailsWithoutRevealingIt() {
    var auth =
        new GitWatcherProperties.Auth(
            null, "x-access-token", "wrong-password-value", null, null, null);
    try (SourceWatcher w =
        Watchers.watcher(source(Watchers.uniqueId("http-bad"), auth), dir.resolve("cache-bad"))) {
      WatchOutcome o = w.runOnce();
      assertThat(o).isInstanceOf(WatchOutcome.Failed.class);
      assertThat(((WatchOutcome.Failed) o).reason())
          .contains("cannot fetch main from " + server.url())
          .containsIgnoringCase("not authorized")
          .doesNotContain("wrong-password-value");
    }
    var good = new GitWatcherProperties.Auth(null, "x-access-token", TOKEN, null, null, null);
    try (SourceWatcher w =
        Watchers.watcher(
            source(Watchers.uniqueId("http-basic"), good), dir.resolve("cache-good"))) {
      assertThat(w.runOnce()).isInstanceOf(WatchOutcome.Recorded.class);
    }
  }
}
