package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.cli.reliability.UpProcess;
import dev.opsledger.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web view in a real browser (Debian's Chromium, headless, through Playwright) against one
 * {@code ./opsledger up} on the demo, shared by the tests: the status table follows a live edit
 * without a reload, a resource's history names the author and pull request of a merged PR, the
 * state-at slider shows the revision before it, and a commit's timeline draws its steps. Each test
 * writes a screenshot of its view into {@code target/web-screenshots/} (the README's pictures in
 * {@code docs/web/} are copies of these).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebViewE2E {

  static final Path SCREENSHOTS = Path.of("target", "web-screenshots").toAbsolutePath();
  private static final String WEB = "ConfigMap/shop/web-config";
  private static final String DEPLOYMENT = "Deployment/shop/web";
  private static final String SECRET = "Secret/shop/web-credentials";
  private static final String PR_SECRET = "pr-12-secret-value-must-stay-masked";

  private Path checkout;
  private Process up;
  private int auditPort;
  private String token;
  private Browser browser;
  private String oldRevision;
  private String mergeRevision;
  private Instant beforeMerge;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void upOnTheDemoWithAMergedPullRequest() throws Exception {
    // Under target rather than a @TempDir: one checkout for the whole class, kept for a failure.
    checkout = Path.of("target", "web-view-e2e", Long.toString(System.nanoTime())).toAbsolutePath();
    UpProcess.builtCheckout(checkout);
    Files.createDirectories(SCREENSHOTS);
    auditPort = UpProcess.freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
            "./opsledger",
            "up",
            "--kafka-port",
            Integer.toString(UpProcess.freePortPair()),
            "--kube-port",
            Integer.toString(UpProcess.freePort()),
            "--http-port",
            Integer.toString(UpProcess.freePort()),
            "--audit-port",
            Integer.toString(auditPort),
            "--management-port",
            Integer.toString(UpProcess.freePort()),
            "--poll-interval",
            "1s",
            "--status-interval",
            "0");
    pb.directory(checkout.toFile());
    pb.environment()
        .put(
            "OPSLEDGER_JAVA_OPTS",
            "-XX:+UseSerialGC -Xmx768m -Dopsledger.config-home=" + checkout.resolve("config-home"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(SCREENSHOTS.resolve("up-terminal.txt").toFile());
    up = pb.start();
    await("up is up")
        .atMost(Duration.ofMinutes(5))
        .until(
            () -> {
              assertThat(up.isAlive()).as("up runs").isTrue();
              // The block of addresses ends with this line: the web view's comes before it (it
              // is printed after "OpsLedger is up", and read back from a file being written).
              return Files.readString(SCREENSHOTS.resolve("up-terminal.txt"))
                  .contains("Ctrl-C stops");
            });
    assertThat(Files.readString(SCREENSHOTS.resolve("up-terminal.txt")))
        .contains("web view:    http://127.0.0.1:" + auditPort + "/");
    token = Files.readString(checkout.resolve(".opsledger/api-token")).strip();
    awaitRevisionInSync(WEB, null);
    oldRevision = git("rev-parse", "HEAD");
    awaitRevisionInSync(WEB, oldRevision);

    beforeMerge = Instant.now();
    mergePullRequest();
    mergeRevision = git("rev-parse", "HEAD");
    awaitRevisionInSync(WEB, mergeRevision);
    browser = new Browser(SCREENSHOTS.resolve("browser.log"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (browser != null) {
        assertThat(browser.errors()).as("no page error, console error or CSP violation").isEmpty();
        browser.close();
      }
    } finally {
      if (up != null) {
        new ProcessBuilder("kill", "-TERM", Long.toString(up.pid())).start().waitFor();
        if (!up.waitFor(2, TimeUnit.MINUTES)) {
          up.destroyForcibly();
        }
      }
    }
  }

  @Test
  void statusRowTurnsDriftedThenInSyncAfterALiveEditWithoutAReload() throws Exception {
    browser.open(base() + "?token=" + token + "#/");
    String row = "tr[data-resource$='" + DEPLOYMENT + "']";
    browser.waitForText(row + " td.sync", "InSync");
    browser.waitForText("h2 .conn", "live");
    assertThat(browser.eval("location.search")).as("the token left the address").isEmpty();
    browser.eval("window.__sameDocument = 'yes'");

    kubectl("-n", "shop", "patch", "deployment", "web", "-p", "{\"spec\":{\"replicas\":5}}");

    browser.waitForAttributeContaining(row + " .trail", "data-trail", "Drifted InSync");
    browser.waitForText(row + " td.sync .badge", "InSync");
    assertThat(browser.eval("window.__sameDocument"))
        .as("the page was not reloaded")
        .isEqualTo("yes");
    browser.screenshot(SCREENSHOTS.resolve("status.png"));
  }

  @Test
  void resourceHistoryNamesTheCommitAuthorAndPullRequestNumber() throws Exception {
    browser.open(base() + "?token=" + token + "#/resource/" + key(WEB));
    String history = browser.waitForText("ol.history", "PR #12");
    assertThat(history).contains("Ada Lovelace").contains(mergeRevision.substring(0, 12));
    browser.waitForText("ol.history .diff", "Hello from a pull request");
    browser.screenshot(SCREENSHOTS.resolve("history.png"));

    browser.open(base() + "#/resource/" + key(SECRET));
    String secret = browser.waitForText("ol.history", "PR #12");
    assertThat(browser.eval("document.body.innerText"))
        .as("the page shows what the API shows: no plaintext Secret value")
        .doesNotContain(PR_SECRET)
        .doesNotContain("demo-token-not-a-real-secret");
    assertThat(secret).contains("Ada Lovelace");
  }

  @Test
  void stateAtSliderBeforeTheMergeShowsTheOldRevision() throws Exception {
    browser.open(base() + "?token=" + token + "#/state");
    String row = "table.state-at tr[data-resource$='" + WEB + "']";
    browser.waitForAttribute(row, "data-revision", mergeRevision);

    browser.slide("input[name=at]", Long.toString(beforeMerge.getEpochSecond() - 1));
    browser.waitForAttribute(row, "data-revision", oldRevision);
    assertThat(browser.waitForText(row, oldRevision.substring(0, 12)))
        .contains(oldRevision.substring(0, 12));
    browser.screenshot(SCREENSHOTS.resolve("state-at.png"));

    browser.slide("input[name=at]", Long.toString(Instant.now().getEpochSecond()));
    browser.waitForAttribute(row, "data-revision", mergeRevision);
  }

  @Test
  void commitTimelineDrawsItsStepsWithLatencies() throws Exception {
    browser.open(base() + "?token=" + token + "#/timeline/" + mergeRevision);
    browser.waitForText("p", "PR #12");
    browser.waitForText("ol.milestones li.done", "apply");
    assertThat(Integer.parseInt(browser.eval("document.querySelectorAll('svg circle').length")))
        .as("one dot per step")
        .isGreaterThan(3);
    browser.screenshot(SCREENSHOTS.resolve("timeline.png"));
  }

  /**
   * A pull request merged as GitHub merges one: a branch with Ada's change to the ConfigMap and the
   * Secret, merged with a merge commit "Merge pull request #12 from ...", then pushed.
   */
  private void mergePullRequest() throws Exception {
    Path work = checkout.resolve(".opsledger/demo/work");
    git("checkout", "-q", "-b", "ada/greeting");
    Path config = work.resolve("apps/config.yaml");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("Hello from OpsLedger", "Hello from a pull request")
            .replace("demo-token-not-a-real-secret", PR_SECRET));
    git("commit", "-q", "-am", "Greet from a pull request");
    git("checkout", "-q", "main");
    git("merge", "-q", "--no-ff", "ada/greeting", "-m", "Merge pull request #12 from ada/greeting");
    git("push", "-q", "origin", "main");
  }

  /** Waits until the audit's status shows {@code resource} in sync (at {@code revision}). */
  private void awaitRevisionInSync(String resource, String revision) {
    await(resource + " in sync" + (revision == null ? "" : " at " + revision))
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(URI.create(base() + "api/v1/status"))
                          .header("Authorization", "Bearer " + token)
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() != 200) {
                return false;
              }
              for (JsonNode row : EventJson.mapper().readTree(r.body()).get("resources")) {
                JsonNode s = row.get("state");
                if (row.get("key").asText().endsWith(resource)
                    && s.get("syncState").asText().equals("InSync")
                    && (revision == null || revision.equals(s.path("declaredRevision").asText()))) {
                  return true;
                }
              }
              return false;
            });
  }

  private String base() {
    return "http://127.0.0.1:" + auditPort + "/";
  }

  /** The full key of a demo resource, as the status lists it. */
  private String key(String shortKey) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "api/v1/status"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode row : EventJson.mapper().readTree(r.body()).get("resources")) {
      if (row.get("key").asText().endsWith(shortKey)) {
        return java.net.URLEncoder.encode(row.get("key").asText(), "UTF-8");
      }
    }
    throw new AssertionError(shortKey + " is not in the status");
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", ".opsledger/demo/work"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(checkout.toFile());
    pb.environment()
        .putAll(
            Map.of(
                "GIT_AUTHOR_NAME", "Ada Lovelace",
                "GIT_AUTHOR_EMAIL", "ada@example.com",
                "GIT_COMMITTER_NAME", "Ada Lovelace",
                "GIT_COMMITTER_EMAIL", "ada@example.com"));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
    return out;
  }

  private void kubectl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", checkout.resolve(".opsledger/kubeconfig").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("kubectl: " + out).isZero();
  }
}
