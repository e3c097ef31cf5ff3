package dev.opsledger.notifier.dispatch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.RecordingReceiver;
import dev.opsledger.notifier.channel.Channel;
import dev.opsledger.notifier.channel.ChannelSpec;
import dev.opsledger.notifier.channel.Channels;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.TokenBucket;
import dev.opsledger.notifier.route.Templates;
import dev.opsledger.service.core.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Slack endpoint on loopback that answers 500 for a while: the outage the reliability campaign
 * asks the notifier to ride out. The delays are shortened; the attempt count is the default's.
 */
class ChannelOutageTest {

  private final RecordingReceiver slack = RecordingReceiver.start();
  private final RecordedOutcomes outcomes = new RecordedOutcomes();
  private ChannelDispatcher dispatcher;

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close(Duration.ofSeconds(1));
    }
    slack.close();
  }

  @Test
  void aSlackOutageLongerThanFiveAttemptsDeliversEveryNoticeOnceSlackRecovers() {
    slack.respondWith(IntStream.generate(() -> 500).limit(12).toArray());
    dispatcher = dispatcher(Duration.ofHours(1));
    ResourceKey web = Fixtures.deployment("prod", "web");
    ResourceKey api = Fixtures.deployment("prod", "api");

    dispatcher.submit(Fixtures.chatDrift(web, "shop", "r1", Instant.now()));
    dispatcher.submit(Fixtures.chatDrift(api, "shop", "r1", Instant.now()));

    await("both notices delivered after the outage").until(() -> outcomes.sent.size() == 2);
    assertThat(outcomes.failed).isEmpty();
    assertThat(slack.requests())
        .as("twelve 500s, then one accepted request per notice: nothing sent twice")
        .hasSize(12 + 2);
    assertThat(outcomes.sent)
        .extracting(Notice::subject)
        .containsExactlyInAnyOrder(web.toString(), api.toString());
    assertThat(dispatcher.pending()).isZero();
  }

  @Test
  void aReceiverStillFailingWhenTheGiveUpWindowEndsIsRecordedAsFailedWithTheReason() {
    slack.respondWith(IntStream.generate(() -> 503).limit(1_000).toArray());
    // Long enough for a few attempts on a loaded machine (at load 26, 400 ms allowed one).
    dispatcher = dispatcher(Duration.ofSeconds(3));
    ResourceKey web = Fixtures.deployment("prod", "web");

    dispatcher.submit(Fixtures.chatDrift(web, "shop", "r1", Instant.now()));

    await("NotificationFailed once the window is over").until(() -> outcomes.failed.size() == 1);
    assertThat(outcomes.sent).isEmpty();
    assertThat(outcomes.failed.get(0))
        .contains("503")
        .contains("gave up after")
        .doesNotContain("/services/");
    assertThat(slack.requests().size())
        .as("retried more than once, and stopped")
        .isGreaterThan(1)
        .isEqualTo(outcomes.failedAttempts.get(0));
    assertThat(dispatcher.pending()).isZero();
  }

  @Test
  void closingEndsEvenWhenTheUndeliveredNoticesCannotBeRecorded() {
    // Slack down and Kafka unreachable at the stop: recording a notice as failed never returns.
    slack.respondWith(IntStream.generate(() -> 503).limit(1_000).toArray());
    CountDownLatch recording = new CountDownLatch(1);
    Outcomes stuck =
        new Outcomes() {
          @Override
          public void sent(Channel channel, Notice notice, int attempts) {}

          @Override
          public void failed(Channel channel, Notice notice, int attempts, String reason) {
            recording.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    ChannelDispatcher hung = dispatcher(Duration.ofHours(1), stuck);
    hung.submit(
        Fixtures.chatDrift(Fixtures.deployment("prod", "web"), "shop", "r1", Instant.now()));
    await("Slack refused the notice").until(() -> !slack.requests().isEmpty());

    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(
            () -> new ChannelDispatchers(List.of(hung), Duration.ofMillis(200)).close());

    await("the stop ends without the record")
        .atMost(ChannelDispatchers.RECORD_GRACE.plusSeconds(30))
        .until(closing::isDone);
    assertThat(recording.getCount()).as("the failure's record was attempted").isZero();
    assertThat(closing).isCompleted();
  }

  private ChannelDispatcher dispatcher(Duration giveUpAfter) {
    return dispatcher(giveUpAfter, outcomes);
  }

  private ChannelDispatcher dispatcher(Duration giveUpAfter, Outcomes outcomes) {
    ChannelSpec spec =
        new ChannelSpec(
            "slack",
            "slack",
            slack.baseUrl() + "/services/T0/B0/secretpath",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "",
            Duration.ofSeconds(2),
            null);
    Channel channel = Channels.create(spec, HttpClient.newHttpClient(), Templates.defaults());
    return new ChannelDispatcher(
        channel,
        new TokenBucket(100, 100, Clock.systemUTC()),
        new Backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), 0),
        giveUpAfter,
        new SentLedger(Duration.ofHours(1), 1_000),
        outcomes,
        new NotifierMetrics(new SimpleMeterRegistry()));
  }

  /** What the dispatcher reported, in order. */
  private static final class RecordedOutcomes implements Outcomes {
    final List<Notice> sent = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final List<Integer> failedAttempts = new CopyOnWriteArrayList<>();

    @Override
    public void sent(Channel channel, Notice notice, int attempts) {
      sent.add(notice);
    }

    @Override
    public void failed(Channel channel, Notice notice, int attempts, String reason) {
      failedAttempts.add(attempts);
      failed.add(reason);
    }

    @Override
    public void folded(Channel channel, Notice notice) {}
  }
}
