package dev.opsledger.gitwatcher.webhook;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.Topic;
import dev.opsledger.gitwatcher.GitWatcherApplication;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service in a Spring context: webhooks with good, bad and missing signatures, an
 * oversized body, a receiver without a secret, and a verified push that triggers an immediate fetch
 * of a real repository recorded on the real broker.
 */
@SpringBootTest(
    classes = GitWatcherApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookIT {

  static final String GITHUB_SECRET = "gh-" + java.util.UUID.randomUUID();
  static final String GITLAB_SECRET = "gl-" + java.util.UUID.randomUUID();
  static final String SOURCE = Watchers.uniqueId("hooks");
  static Path dir;
  static GitFixture git;
  static EventLog log;

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) throws IOException {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    r.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    dir = Files.createTempDirectory("webhook-it");
    git = GitFixture.create(dir.resolve("repo"));
    git.commit("init")
        .write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
        .push();
    r.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    r.add("opsledger.git-watcher.cache-dir", () -> dir.resolve("cache").toString());
    r.add("opsledger.git-watcher.sources[0].id", () -> SOURCE);
    r.add("opsledger.git-watcher.sources[0].url", git::remoteUrl);
    r.add("opsledger.git-watcher.sources[0].target", () -> "hooks-cluster");
    r.add("opsledger.git-watcher.sources[0].poll-interval", () -> "1h");
    r.add("opsledger.git-watcher.sources[0].previews.provider", () -> "github");
    r.add("opsledger.git-watcher.webhooks.github.enabled", () -> "true");
    r.add("opsledger.git-watcher.webhooks.github.secret", () -> GITHUB_SECRET);
    r.add("opsledger.git-watcher.webhooks.gitlab.enabled", () -> "true");
    r.add("opsledger.git-watcher.webhooks.gitlab.secret", () -> GITLAB_SECRET);
    r.add("opsledger.git-watcher.webhooks.bitbucket.enabled", () -> "true");
  }

  @BeforeAll
  static void openLog() {
    log = new EventLog(SOURCE);
  }

  @AfterAll
  static void close() {
    log.close();
    git.close();
  }

  String githubPush(String ref) {
    return "{\"ref\":\"" + ref + "\",\"repository\":{\"clone_url\":\"" + git.remoteUrl() + "\"}}";
  }

  HttpResponse<String> post(String provider, String body, Map<String, String> headers) {
    var b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/webhooks/git-watcher/" + provider))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSignedGithubPushTriggersAnImmediateFetch() {
    await("the first poll recorded the head").until(() -> log.observed().size() == 1);
    String sha =
        git.commit("pushed")
            .write("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
            .push();
    String body = githubPush("refs/heads/main");
    var response =
        post(
            "github",
            body,
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                WebhookSignatures.sign(GITHUB_SECRET, body.getBytes(StandardCharsets.UTF_8))));
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains(SOURCE);
    await("the pushed commit is recorded without waiting for the hourly poll")
        .until(() -> log.observed().stream().map(CommitObserved::sha).anyMatch(sha::equals));
    assertThat(
            meters
                .counter(
                    "opsledger.gitwatcher.webhook.requests",
                    "provider",
                    "github",
                    "outcome",
                    "triggered")
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aGithubPushWithAWrongOrMissingSignatureIsRefused() {
    String body = githubPush("refs/heads/main");
    assertThat(
            post(
                    "github",
                    body,
                    Map.of(
                        "X-Hub-Signature-256",
                        WebhookSignatures.sign("wrong", body.getBytes(StandardCharsets.UTF_8))))
                .statusCode())
        .isEqualTo(401);
    assertThat(post("github", body, Map.of("X-Hub-Signature-256", "sha256=zz")).statusCode())
        .isEqualTo(401);
    assertThat(post("github", body, Map.of()).statusCode()).isEqualTo(401);
    assertThat(
            meters
                .counter(
                    "opsledger.gitwatcher.webhook.requests",
                    "provider",
                    "github",
                    "outcome",
                    "bad_signature")
                .count())
        .isGreaterThanOrEqualTo(2);
    assertThat(
            meters
                .counter(
                    "opsledger.gitwatcher.webhook.requests",
                    "provider",
                    "github",
                    "outcome",
                    "missing_signature")
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aBodyOverOneMebibyteIsRefusedWith413() {
    String body = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
    var response =
        post(
            "github",
            body,
            Map.of(
                "X-Hub-Signature-256",
                WebhookSignatures.sign(GITHUB_SECRET, body.getBytes(StandardCharsets.UTF_8))));
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void gitlabChecksItsTokenAndAPushToAnUntrackedBranchIsIgnored() {
    String body =
        "{\"ref\":\"refs/heads/feature\",\"project\":{\"git_http_url\":\""
            + git.remoteUrl()
            + "\"}}";
    assertThat(post("gitlab", body, Map.of("X-Gitlab-Token", "nope")).statusCode()).isEqualTo(401);
    var ok = post("gitlab", body, Map.of("X-Gitlab-Token", GITLAB_SECRET));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("no tracked branch");
  }

  @Test
  void aReceiverWithoutASecretIsNotStarted() {
    assertThat(post("bitbucket", "{}", Map.of()).statusCode()).isEqualTo(404);
    assertThat(post("generic", "{}", Map.of()).statusCode()).isEqualTo(404);
  }

  String pullRequest(String action, long number) {
    return "{\"action\":\""
        + action
        + "\",\"number\":"
        + number
        + ",\"pull_request\":{\"number\":"
        + number
        + ",\"merged\":false,\"base\":{\"ref\":\"main\"}},\"repository\":{\"clone_url\":\""
        + git.remoteUrl()
        + "\"}}";
  }

  HttpResponse<String> signedPullRequest(String body, String secret) {
    return post(
        "github",
        body,
        Map.of(
            "X-GitHub-Event",
            "pull_request",
            "X-Hub-Signature-256",
            WebhookSignatures.sign(secret, body.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void signedPullRequestEventsPreviewTheHeadAndAForgedCloseIsRefused() {
    await("the first poll recorded the head").until(() -> log.observed().size() >= 1);
    try (LogTail previews =
        LogTail.fromBeginning(
            SharedKafka.bootstrapServers(), LogTail.keyStartsWith(SOURCE + "#"), Topic.PREVIEWS)) {
      String head =
          git.commit("a request")
              .write("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
              .pushTo("refs/pull/21/head");
      var opened = signedPullRequest(pullRequest("opened", 21), GITHUB_SECRET);
      assertThat(opened.statusCode()).isEqualTo(202);
      await("the request's head is previewed without waiting for the hourly poll")
          .until(
              () ->
                  previews.data(PreviewRendered.class).stream()
                      .anyMatch(p -> p.number() == 21 && p.headSha().equals(head)));

      assertThat(signedPullRequest(pullRequest("closed", 21), "forged").statusCode())
          .isEqualTo(401);
      assertThat(signedPullRequest(pullRequest("closed", 21), GITHUB_SECRET).statusCode())
          .isEqualTo(202);
      await("one close of #21").until(() -> previews.data(PreviewClosed.class).size() == 1);
      assertThat(previews.data(PreviewClosed.class).get(0).number()).isEqualTo(21);
    }
  }
}
