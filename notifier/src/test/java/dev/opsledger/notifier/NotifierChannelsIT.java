package dev.opsledger.notifier;

import static dev.opsledger.notifier.Fixtures.at;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.notifier.RecordingReceiver.Request;
import dev.opsledger.notifier.channel.CloudEventHttp;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The notifier against real HTTP receivers on loopback: one running notifier, one receiver per
 * channel, one source id per behaviour (routes keep the behaviours apart on the shared broker).
 */
class NotifierChannelsIT {

  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final String SLACK_SECRET_PATH = "/services/T000/B000/slackSECRET" + RUN;
  static final String HOOK_SECRET_PATH = "/hooks/hookSECRET" + RUN;
  static final String GITHUB_TOKEN = "ghp_token_" + RUN;
  static final String GITLAB_TOKEN = "glpat_token_" + RUN;
  static final String HMAC_SECRET = "hmac-" + RUN;

  static final RecordingReceiver slack = RecordingReceiver.start();
  static final RecordingReceiver github = RecordingReceiver.start();
  static final RecordingReceiver gitlab = RecordingReceiver.start();
  static final RecordingReceiver hook = RecordingReceiver.start();
  static final RecordingReceiver flaky = RecordingReceiver.start();
  static final RecordingReceiver hung = RecordingReceiver.start().hang();
  static final RecordingReceiver limited = RecordingReceiver.start();

  @TempDir static Path secrets;
  static ConfigurableApplicationContext app;
  static EventPublisher publisher;
  static NotifierMetrics metrics;
  static LogTail log;

  static String source(String behaviour) {
    return behaviour + "-" + RUN;
  }

  @BeforeAll
  static void startNotifier() throws Exception {
    Path slackUrl =
        Files.writeString(secrets.resolve("slack-url"), slack.baseUrl() + SLACK_SECRET_PATH + "\n");
    Path gitlabToken = Files.writeString(secrets.resolve("gitlab-token"), GITLAB_TOKEN);
    Path hmac = Files.writeString(secrets.resolve("hmac"), HMAC_SECRET);
    app =
        new NotifierRunner("notifier-it-" + RUN)
            .set("opsledger.notifier.retry.max-attempts", 3)
            .set("opsledger.notifier.retry.initial-backoff", "100ms")
            .set("opsledger.notifier.retry.max-backoff", "400ms")
            .set("opsledger.notifier.rate-limit.burst", 50)
            .set("opsledger.notifier.rate-limit.per-second", 50)
            .set(
                "opsledger.notifier.link-template", "https://opsledger.example/{source}/{revision}")
            .channel("slack", "type", "slack")
            .channel("slack", "url-file", slackUrl.toString())
            .channel("github", "type", "github")
            .channel("github", "api-url", github.baseUrl())
            .channel("github", "repository", "acme/shop")
            .channel("github", "token", GITHUB_TOKEN)
            .channel("gitlab", "type", "gitlab")
            .channel("gitlab", "api-url", gitlab.baseUrl() + "/api/v4")
            .channel("gitlab", "repository", "acme/shop")
            .channel("gitlab", "token-file", gitlabToken.toString())
            .channel("hook", "type", "webhook")
            .channel("hook", "url", hook.baseUrl() + "/events")
            .channel("hook", "secret-file", hmac.toString())
            .channel("flaky", "type", "slack")
            .channel("flaky", "url", flaky.baseUrl() + "/flaky")
            .channel("hung", "type", "webhook")
            .channel("hung", "url", hung.baseUrl() + HOOK_SECRET_PATH)
            .channel("hung", "request-timeout", "700ms")
            .channel("limited", "type", "slack")
            .channel("limited", "url", limited.baseUrl() + "/limited")
            .channel("limited", "burst", 1)
            .channel("limited", "per-second", 1)
            .route(source("slack"), "slack")
            .route(source("status"), "github", "gitlab")
            .route(source("hook"), "hook")
            .route(source("flaky"), "flaky")
            .route(source("hung"), "hung", "slack")
            .route(source("limited"), "limited")
            .route(source("once"), "slack")
            .start();
    publisher = app.getBean(EventPublisher.class);
    metrics = app.getBean(NotifierMetrics.class);
    log = LogTail.fromBeginning(SharedKafka.bootstrapServers(), r -> true, Topic.NOTIFICATIONS);
  }

  @AfterAll
  static void stop() {
    if (log != null) {
      log.close();
    }
    if (app != null) {
      app.close();
    }
    List.of(slack, github, gitlab, hook, flaky, hung, limited).forEach(RecordingReceiver::close);
  }

  /** The {@code NotificationSent} events for a trigger so far. */
  static List<EventEnvelope<OpsLedgerEvent>> sent(String triggerId) {
    return log.matching(
        e -> e instanceof NotificationSent s && s.triggerEventId().equals(triggerId));
  }

  /** The {@code NotificationFailed} events for a trigger so far. */
  static List<EventEnvelope<OpsLedgerEvent>> failed(String triggerId) {
    return log.matching(
        e -> e instanceof NotificationFailed f && f.triggerEventId().equals(triggerId));
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  static ResourceKey resource(String name) {
    return Fixtures.deployment(
        "prod-" + RUN, name + "-" + UUID.randomUUID().toString().substring(0, 6));
  }

  static <E extends OpsLedgerEvent> EventEnvelope<E> publish(EventEnvelope<E> e) {
    publisher.publishAndWait(e, Duration.ofSeconds(30));
    return e;
  }

  @Test
  void postsDriftToSlackAsBlockKitWithAMaskedDiffAndRecordsNotificationSent() {
    ResourceKey web = resource("web");
    var drift = publish(at(now(), "rev1", Fixtures.drift(web, source("slack"), "rev1aaaa", now())));

    await("the drift message reaches Slack")
        .until(() -> slack.requestsContaining(web.toString()).size() == 1);
    Request r = slack.requestsContaining(web.toString()).get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(SLACK_SECRET_PATH);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    var msg = r.json();
    assertThat(msg.get("text").asText())
        .startsWith("Drift: shop/Deployment/web-")
        .endsWith("still drifted");
    assertThat(msg.at("/blocks/0/type").asText()).isEqualTo("header");
    assertThat(msg.at("/blocks/3/text/text").asText()).contains("replicas: 3");
    assertThat(r.text())
        .doesNotContain("opsledger:sealed:v1:abc")
        .doesNotContain("opsledger:hashed");
    assertThat(msg.at("/blocks/4/elements/0/text").asText())
        .contains("https://opsledger.example/" + source("slack") + "/rev1aaaa");

    await("NotificationSent is on the log").until(() -> !sent(drift.id()).isEmpty());
    var sent = sent(drift.id()).get(0);
    assertThat(sent.causation()).isEqualTo(drift.id());
    assertThat(sent.correlation()).isEqualTo("rev1");
    assertThat(sent.source()).isEqualTo("/opsledger/notifier");
    NotificationSent s = (NotificationSent) sent.data();
    assertThat(s.channel()).isEqualTo("slack");
    assertThat(s.channelType()).isEqualTo("slack");
    assertThat(s.dedupeKey()).isEqualTo(web + "|drifted");
    assertThat(s.attempts()).isEqualTo(1);
    assertThat(sent.toString()).doesNotContain(SLACK_SECRET_PATH);
  }

  @Test
  void postsARejectedCommitWithFileAndLineOfEveryError() {
    String sha = "bad" + UUID.randomUUID().toString().replace("-", "");
    publish(at(now(), sha, Fixtures.rejected(source("slack"), sha, now())));

    await("the rejection reaches Slack").until(() -> slack.requestsContaining(sha).size() == 1);
    assertThat(slack.requestsContaining(sha).get(0).text())
        .contains("deploy/web.yaml:12: spec.replicas must be an integer")
        .contains("deploy/db.yaml:3: unknown kind Foo");
  }

  @Test
  void postsTheAggregatedRevisionStateAsGitHubAndGitLabCommitStatuses() {
    String sha = UUID.randomUUID().toString().replace("-", "");
    ResourceKey web = resource("web");
    ResourceKey db = resource("db");
    publish(at(now(), sha, Fixtures.commit(source("status"), sha, now())));
    publish(at(now(), sha, Fixtures.drift(web, source("status"), sha, now())));
    publish(at(now(), sha, Fixtures.inSync(db, source("status"), sha, now())));
    await("pending reaches GitHub and GitLab")
        .until(() -> !statuses(github, sha).isEmpty() && !statuses(gitlab, sha).isEmpty());

    publish(at(now(), sha, Fixtures.inSync(web, source("status"), sha, now())));
    // The three records sit on different partitions, read in any order: what comes before the last
    // status may differ ("all 1 resources in sync" when db's came first), the last may not.
    await("success for both resources reaches GitHub and GitLab")
        .until(
            () ->
                description(last(statuses(github, sha))).equals(ALL_IN_SYNC)
                    && description(last(statuses(gitlab, sha))).equals(ALL_IN_SYNC));

    Request gh = last(statuses(github, sha));
    assertThat(gh.path()).isEqualTo("/repos/acme/shop/statuses/" + sha);
    assertThat(gh.header("Authorization")).isEqualTo("Bearer " + GITHUB_TOKEN);
    assertThat(gh.header("Accept")).isEqualTo("application/vnd.github+json");
    assertThat(statuses(github, sha).stream().map(r -> r.json().get("state").asText()))
        .as("web's drift was read before its return to sync: pending, then success last")
        .contains("pending")
        .doesNotContain("failure", "error")
        .last()
        .isEqualTo("success");
    assertThat(gh.json().get("context").asText()).isEqualTo("opsledger");
    assertThat(gh.json().get("target_url").asText())
        .isEqualTo("https://opsledger.example/" + source("status") + "/" + sha);

    Request gl = last(statuses(gitlab, sha));
    assertThat(gl.path()).isEqualTo("/api/v4/projects/acme%2Fshop/statuses/" + sha);
    assertThat(gl.header("PRIVATE-TOKEN")).isEqualTo(GITLAB_TOKEN);
    assertThat(gl.header("Authorization")).isNull();
    assertThat(statuses(gitlab, sha).stream().map(r -> r.json().get("state").asText()))
        .contains("pending")
        .doesNotContain("failed")
        .last()
        .isEqualTo("success");
    assertThat(gl.json().get("name").asText()).isEqualTo("opsledger");
  }

  private static final String ALL_IN_SYNC = "OpsLedger: all 2 resources in sync";

  private static Request last(List<Request> requests) {
    return requests.isEmpty() ? null : requests.get(requests.size() - 1);
  }

  private static String description(Request status) {
    return status == null ? "" : status.json().path("description").asText();
  }

  @Test
  void aTerminalApplyFailureFailsTheCommitStatus() {
    String sha = UUID.randomUUID().toString().replace("-", "");
    ResourceKey web = resource("web");
    publish(at(now(), sha, Fixtures.drift(web, source("status"), sha, now())));
    await("pending reaches GitLab").until(() -> statuses(gitlab, sha).size() == 1);
    publish(at(now(), sha, Fixtures.applyFailed(web, source("status"), sha, true, now())));

    await("failure reaches GitHub and GitLab")
        .until(() -> statuses(github, sha).size() == 2 && statuses(gitlab, sha).size() == 2);
    assertThat(statuses(github, sha).get(1).json().get("state").asText()).isEqualTo("failure");
    assertThat(statuses(gitlab, sha).get(1).json().get("state").asText()).isEqualTo("failed");
  }

  @Test
  void postsTheCloudEventToTheWebhookSignedOverItsIdATimestampAndTheBody() throws Exception {
    ResourceKey web = resource("web");
    var failed =
        publish(at(now(), "rev9", Fixtures.applyFailed(web, source("hook"), "rev9", false, now())));

    await("the webhook receives the event")
        .until(() -> hook.requestsAbout(web.toString()).size() == 1);
    Request r = hook.requestsAbout(web.toString()).get(0);
    assertThat(r.path()).isEqualTo("/events");
    assertThat(r.header("ce-id")).isEqualTo(failed.id());
    assertThat(r.header("ce-type")).isEqualTo("dev.opsledger.apply.failed");
    assertThat(r.header("ce-specversion")).isEqualTo("1.0");
    assertThat(r.header("ce-source")).isEqualTo("/opsledger/test");
    assertThat(r.header("ce-subject")).isEqualTo(web.toString());
    assertThat(r.header("ce-correlation")).isEqualTo("rev9");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json().get("reason").asText()).isEqualTo("Invalid");

    String timestamp = r.header(CloudEventHttp.TIMESTAMP_HEADER);
    assertThat(Long.parseLong(timestamp)).isCloseTo(now().getEpochSecond(), within(120L));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((failed.id() + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(r.body()));
    assertThat(r.header(CloudEventHttp.SIGNATURE_HEADER)).isEqualTo(expected);
    assertThat(
            CloudEventHttp.verify(
                HMAC_SECRET,
                r.header("ce-id"),
                timestamp,
                r.body(),
                r.header(CloudEventHttp.SIGNATURE_HEADER),
                java.time.Instant.now(),
                CloudEventHttp.DEFAULT_TOLERANCE))
        .isNull();
  }

  @Test
  void retriesAReceiverThatAnswers500ThenSucceeds() {
    flaky.respondWith(500);
    ResourceKey web = resource("web");
    var drift = publish(at(now(), "r", Fixtures.drift(web, source("flaky"), "r", now())));

    await("NotificationSent after a retry").until(() -> !sent(drift.id()).isEmpty());
    assertThat(((NotificationSent) sent(drift.id()).get(0).data()).attempts()).isEqualTo(2);
    assertThat(flaky.requestsContaining(web.toString())).hasSize(2);
  }

  @Test
  void aReceiverThatNeverAnswersIsRetriedThenRecordedAsFailedWithoutHoldingUpOtherChannels() {
    ResourceKey web = resource("web");
    var drift = publish(at(now(), "r", Fixtures.drift(web, source("hung"), "r", now())));

    await("Slack gets its message while the other channel hangs")
        .until(() -> slack.requestsContaining(web.toString()).size() == 1);
    await("NotificationFailed after every attempt timed out")
        .until(() -> !failed(drift.id()).isEmpty());

    NotificationFailed f = (NotificationFailed) failed(drift.id()).get(0).data();
    assertThat(f.channel()).isEqualTo("hung");
    assertThat(f.channelType()).isEqualTo("webhook");
    assertThat(f.attempts()).isEqualTo(3);
    assertThat(f.reason()).contains("no answer within").doesNotContain("hookSECRET");
    List<Request> attempts = hung.requestsAbout(web.toString());
    assertThat(attempts).hasSize(3);
    assertThat(slack.requestsContaining(web.toString()).get(0).at())
        .as("Slack was served before the hung channel's last attempt began")
        .isBefore(attempts.get(2).at());
    assertThat(sent(drift.id()))
        .extracting(e -> ((NotificationSent) e.data()).channel())
        .containsExactly("slack");
  }

  @Test
  void aRedeliveredRecordIsSentOnce() {
    ResourceKey web = resource("web");
    var drift = at(now(), "r", Fixtures.drift(web, source("once"), "r", now()));
    publish(drift);
    publish(drift);
    var marker =
        publish(at(now(), "r", Fixtures.applyFailed(web, source("once"), "r", true, now())));

    await("the later event of the same resource is delivered")
        .until(() -> slack.requestsContaining(web.toString()).size() >= 2);
    await("NotificationSent for the marker").until(() -> !sent(marker.id()).isEmpty());
    await("NotificationSent for the drift").until(() -> !sent(drift.id()).isEmpty());
    assertThat(slack.requestsContaining(web.toString()))
        .filteredOn(r -> r.text().contains("Drift:"))
        .hasSize(1);
    assertThat(sent(drift.id())).hasSize(1);
  }

  @Test
  void aSecondDriftOfAResourceThatIsStillDriftedIsNoSecondMessage() {
    ResourceKey web = resource("web");
    var first = publish(at(now(), "r", Fixtures.drift(web, source("once"), "r", now())));
    var second = publish(at(now(), "r", Fixtures.drift(web, source("once"), "r", now())));
    var marker =
        publish(at(now(), "r", Fixtures.applyFailed(web, source("once"), "r", true, now())));

    await("NotificationSent for the marker").until(() -> !sent(marker.id()).isEmpty());
    await("NotificationSent for the drift, once its hold is over")
        .until(() -> !sent(first.id()).isEmpty());
    assertThat(sent(first.id())).hasSize(1);
    assertThat(sent(second.id())).isEmpty();
    assertThat(slack.requestsContaining(web.toString()))
        .filteredOn(r -> r.text().contains("Drift:"))
        .hasSize(1);
  }

  @Test
  void triggersOlderThanTheMaximumEventAgeAreSkipped() {
    ResourceKey web = resource("web");
    Instant old = now().minus(Duration.ofHours(3));
    var stale = publish(at(old, "r", Fixtures.drift(web, source("once"), "r", old)));
    var marker =
        publish(at(now(), "r", Fixtures.applyFailed(web, source("once"), "r", true, now())));

    await("NotificationSent for the fresh event").until(() -> !sent(marker.id()).isEmpty());
    assertThat(sent(stale.id())).isEmpty();
    assertThat(slack.requestsContaining(web.toString())).hasSize(1);
    assertThat(metrics.count("slack", "too-old")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aChannelOverItsRateLimitDelaysNotificationsInsteadOfDroppingThem() {
    List<ResourceKey> keys = List.of(resource("a"), resource("b"), resource("c"));
    for (ResourceKey k : keys) {
      publisher.publish(at(now(), "r", Fixtures.drift(k, source("limited"), "r", now())));
    }
    publisher.flush();

    await("all three messages arrive")
        .until(
            () ->
                keys.stream().allMatch(k -> limited.requestsContaining(k.toString()).size() == 1));
    assertThat(metrics.rateLimitedCount("limited")).isGreaterThanOrEqualTo(1);
    // Counted once the answer is in and the outcome recorded, just after the receiver saw it.
    await("all three counted as sent").until(() -> metrics.count("limited", "sent") == 3);
  }

  static List<Request> statuses(RecordingReceiver receiver, String sha) {
    return receiver.requests().stream().filter(r -> r.path().endsWith("/statuses/" + sha)).toList();
  }
}
