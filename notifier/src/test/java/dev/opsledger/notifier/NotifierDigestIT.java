package dev.opsledger.notifier;

import static dev.opsledger.notifier.Fixtures.at;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.RecordingReceiver.Request;
import dev.opsledger.notifier.dispatch.NotifierEngine;
import dev.opsledger.service.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How many Slack messages people get, counted by loopback receivers: one behind an incoming webhook
 * ({@code slack}), one behind a bot token ({@code bot}, {@code chat.postMessage} and {@code
 * chat.update}). One source id per scenario keeps the scenarios apart on the shared broker; every
 * message of a scenario names its source. These are the figures of the notifier's README.
 */
class NotifierDigestIT {

  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final RecordingReceiver slack = RecordingReceiver.start();
  static final RecordingReceiver bot = RecordingReceiver.start();
  static ConfigurableApplicationContext app;
  static EventPublisher publisher;

  static String source(String scenario) {
    return scenario + "-" + RUN;
  }

  static final List<String> SCENARIOS = List.of("demo", "bulk", "edit", "rejected", "flap", "fix");

  static NotifierRunner notifier(
      String group, RecordingReceiver slack, RecordingReceiver bot, List<String> scenarios) {
    NotifierRunner runner =
        new NotifierRunner(group)
            // Long enough that a flapping resource's events, written at once, all fall in the hold.
            .set("opsledger.notifier.digest.drift-hold", "2s")
            .set("opsledger.notifier.rate-limit.burst", 50)
            .set("opsledger.notifier.rate-limit.per-second", 50)
            .channel("slack", "type", "slack")
            .channel("slack", "url", slack.baseUrl() + "/services/digest")
            .channel("bot", "type", "slack")
            .channel("bot", "token", "xoxb-" + RUN)
            .channel("bot", "slack-channel", "C0DIGEST")
            .channel("bot", "api-url", bot.baseUrl() + "/api");
    scenarios.forEach(scenario -> runner.route(source(scenario), "slack", "bot"));
    return runner;
  }

  @BeforeAll
  static void start() {
    app = notifier("notifier-digest-" + RUN, slack, bot, SCENARIOS).start();
    publisher = app.getBean(EventPublisher.class);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    slack.close();
    bot.close();
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  static void publish(List<EventEnvelope<?>> events) {
    publisher.publishAll(events, Duration.ofSeconds(60));
  }

  static List<Request> messages(String source) {
    return slack.requestsContaining(source);
  }

  static List<Request> posts(String source) {
    return posts(bot, source);
  }

  static List<Request> posts(RecordingReceiver bot, String source) {
    return bot.requests().stream()
        .filter(r -> r.path().endsWith("/chat.postMessage") && r.text().contains(source))
        .toList();
  }

  static List<Request> updates(String source) {
    return bot.requests().stream()
        .filter(r -> r.path().endsWith("/chat.update") && r.text().contains(source))
        .toList();
  }

  /** Waits for a first message, then until a settle and a hold have passed with no other. */
  static void awaitMessages(String source, int expected) {
    awaitMessages(slack, bot, source, expected);
  }

  static void awaitMessages(
      RecordingReceiver slack, RecordingReceiver bot, String source, int expected) {
    await("Slack has " + expected + " message(s) about " + source)
        .until(
            () ->
                slack.requestsContaining(source).size() >= expected
                    && posts(bot, source).size() >= expected);
    await("no further message about " + source)
        .during(Duration.ofMillis(2500))
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                slack.requestsContaining(source).size() == expected
                    && posts(bot, source).size() == expected);
  }

  /** Declares the demo in a source and waits for its one summary. */
  static List<ResourceKey> settledDemo(String source, String sha) {
    List<ResourceKey> demo = Syncs.demo(source);
    publish(Syncs.firstSync(source, sha, demo, List.of(demo.get(1), demo.get(2)), now()));
    await("the demo's summary").until(() -> messages(source).size() == 1);
    return demo;
  }

  @Test
  void theDemosFirstSyncIsOneMessage() {
    String source = source("demo");
    List<ResourceKey> demo = Syncs.demo(source);
    publish(Syncs.firstSync(source, "d1" + RUN, demo, List.of(demo.get(1), demo.get(2)), now()));

    awaitMessages(source, 1);
    String text = messages(source).get(0).text();
    assertThat(text)
        .contains("In sync: d1" + RUN.substring(0, 6))
        .contains("created 5 · changed 0 · pruned 0 · failed 0")
        .contains("opsledger audit timeline d1" + RUN.substring(0, 6));
    assertThat(updates(source)).isEmpty();
  }

  @Test
  void aThousandResourceFirstSyncIsOneMessage() {
    String source = source("bulk");
    publish(Syncs.firstSync(source, "b1" + RUN, Syncs.many(source, 1000), List.of(), now()));

    awaitMessages(source, 1);
    assertThat(messages(source).get(0).text()).contains("created 1000");
  }

  @Test
  void aLiveEditThatSelfHealRevertsIsOneMessageSayingBoth() {
    String source = source("edit");
    ResourceKey web = settledDemo(source, "e1" + RUN).get(1);

    publish(Syncs.liveEdit(source, "e1" + RUN, web, now(), 120));

    awaitMessages(source, 2);
    assertThat(messages(source).get(1).text())
        .contains("drifted at /spec/replicas (live edit), healed in 120 ms");
    // The bot posted the drift and edited it with its outcome, or (when the heal was read before
    // the first post) posted it with its outcome already: one message either way.
    List<Request> said = new ArrayList<>(posts(source).subList(1, 2));
    said.addAll(updates(source));
    assertThat(said.get(said.size() - 1).text()).contains("healed in 120 ms");
  }

  @Test
  void aRejectedCommitIsOneMessage() {
    String source = source("rejected");
    publish(Syncs.rejected(source, "r1" + RUN, now()));

    awaitMessages(source, 1);
    assertThat(messages(source).get(0).text()).contains("deploy/web.yaml:12");
  }

  @Test
  void aFlappingResourceIsOneMessage() {
    String source = source("flap");
    ResourceKey web = settledDemo(source, "f1" + RUN).get(1);

    Instant t = now();
    List<EventEnvelope<?>> flaps = new ArrayList<>(Syncs.liveEdit(source, "f1" + RUN, web, t, 90));
    flaps.addAll(Syncs.liveEdit(source, "f1" + RUN, web, t.plusMillis(700), 110));
    publish(flaps);

    awaitMessages(source, 2);
    assertThat(messages(source).get(1).text())
        .contains("drifted 2 times at /spec/replicas (live edit), healed each time");
  }

  @Test
  void aPersistentApplyFailureThenFixedByACommitIsOneFailedAndOneFixedSummary() {
    String source = source("fix");
    ResourceKey web = ResourceKey.of(source, "apps", "Deployment", "shop", "web");
    Instant t = now();
    publish(
        List.of(
            at(t, "x1", Fixtures.desired(web, source, "x1" + RUN, t)),
            at(t.plusMillis(5), "x1", Fixtures.commit(source, "x1" + RUN, t)),
            at(t.plusMillis(20), "x1", Fixtures.missing(web, source, "x1" + RUN, t.plusMillis(20))),
            at(
                t.plusMillis(40),
                "x1",
                Fixtures.applyFailed(web, source, "x1" + RUN, true, t.plusMillis(40)))));
    awaitMessages(source, 1);
    assertThat(messages(source).get(0).text()).contains("Failed: x1").contains("failed 1");

    publish(new ArrayList<>(Syncs.change(source, "x2" + RUN, web, now())));

    awaitMessages(source, 2);
    assertThat(messages(source).get(1).text())
        .contains("In sync: x2")
        .contains("fixes shop/Deployment/web");
  }

  @Test
  void aRestartInTheMiddleOfACommitsSettlingSendsItsSummaryOnceAndNeverAgain() {
    String source = source("restart");
    String group = "notifier-digest-restart-" + RUN;
    List<EventEnvelope<?>> sync =
        Syncs.firstSync(source, "s1" + RUN, Syncs.demo(source), List.of(), now());
    int half = sync.size() / 2;
    List<String> only = List.of("restart");
    try (RecordingReceiver slack = RecordingReceiver.start();
        RecordingReceiver bot = RecordingReceiver.start()) {
      try (ConfigurableApplicationContext first = notifier(group, slack, bot, only).start()) {
        publish(sync.subList(0, half));
        await("the first notifier follows the commit")
            .until(() -> first.getBean(NotifierEngine.class).digestOpen() > 0);
      }
      assertThat(slack.requests()).as("the commit had not settled").isEmpty();

      // The same group resumes: what the first run handled is replayed, the rest is consumed.
      try (ConfigurableApplicationContext second = notifier(group, slack, bot, only).start()) {
        publish(sync.subList(half, sync.size()));
        awaitMessages(slack, bot, source, 1);
        assertThat(slack.requests().get(0).text()).contains("created 5");
      }

      // A new group reads the whole log again: the summary was sent, so it is not sent again.
      try (ConfigurableApplicationContext third =
          notifier(group + "-again", slack, bot, only).start()) {
        publish(Syncs.rejected(source, "s2" + RUN, now()));
        await("the next commit's message")
            .until(() -> slack.requestsContaining("s2" + RUN.substring(0, 6)).size() == 1);
        awaitMessages(slack, bot, source, 2);
        assertThat(slack.requestsContaining("created 5")).hasSize(1);
      }
    }
  }
}
