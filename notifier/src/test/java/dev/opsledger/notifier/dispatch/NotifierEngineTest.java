package dev.opsledger.notifier.dispatch;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.Fixtures.MutableClock;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.route.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierEngineTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
  final SentLedger ledger = new SentLedger(Duration.ofMinutes(5), 1000);
  final List<String> queued = new ArrayList<>();
  final NotifierMetrics metrics = new NotifierMetrics(new SimpleMeterRegistry());
  final ResourceKey web = Fixtures.deployment("prod", "web");

  final NotifierEngine engine =
      new NotifierEngine(
          new Notices(1000),
          new Router(
              List.of(),
              Map.of(
                  "ops",
                  EnumSet.complementOf(EnumSet.of(NoticeKind.COMMIT_STATUS)),
                  "gh",
                  EnumSet.of(NoticeKind.COMMIT_STATUS))),
          ledger,
          new NotifierEngine.Sink() {
            @Override
            public void submit(String channel, Notice notice) {
              queued.add(channel + ":" + notice.kind().label() + ":" + notice.state());
            }

            @Override
            public boolean changeMode(String channel) {
              return channel.equals("gh");
            }
          },
          metrics,
          clock,
          Duration.ofHours(1));

  @Test
  void aRedeliveredRecordIsQueuedOnce() {
    var drift = at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant()));
    engine.handle(drift);
    var again = engine.handle(drift);

    assertThat(queued).containsExactly("ops:drift-detected:drifted", "gh:commit-status:pending");
    assertThat(again).allMatch(d -> d instanceof Decision.AlreadyNotified);
    assertThat(metrics.count("ops", "already-notified")).isEqualTo(1);
  }

  @Test
  void aTriggerTheLogSaysWasSentIsNotSentAgain() {
    var drift = at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant()));
    engine.remember(
        EventEnvelope.causedBy(
            drift,
            "/opsledger/notifier",
            new NotificationSent(
                web.toString(),
                "ops",
                "slack",
                drift.id(),
                "x",
                web + "|drifted",
                1,
                clock.instant())));
    engine.handle(drift);
    assertThat(queued).containsExactly("gh:commit-status:pending");
  }

  @Test
  void theSameResourceAndStateWithinTheWindowIsDeduplicated() {
    engine.handle(at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant())));
    clock.advance(Duration.ofMinutes(1));
    var second =
        engine.handle(
            at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant())));
    assertThat(second)
        .anyMatch(d -> d instanceof Decision.Deduplicated && d.channel().equals("ops"));
    clock.advance(Duration.ofMinutes(5));
    engine.handle(at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant())));
    assertThat(queued).filteredOn(q -> q.startsWith("ops:")).hasSize(2);
    assertThat(metrics.count("ops", "deduplicated")).isEqualTo(1);
  }

  @Test
  void triggersOlderThanTheMaximumAgeAreSkippedButStillTeachTheTrackers() {
    Instant old = clock.instant().minus(Duration.ofHours(2));
    var decisions = engine.handle(at(old, "r1", Fixtures.drift(web, "shop", "r1", old)));
    assertThat(decisions).isNotEmpty().allMatch(d -> d instanceof Decision.TooOld);
    assertThat(queued).isEmpty();
    assertThat(metrics.count("ops", "too-old")).isEqualTo(1);

    engine.handle(at(clock.instant(), "r1", Fixtures.inSync(web, "shop", "r1", clock.instant())));
    assertThat(queued).contains("ops:converged:in-sync", "gh:commit-status:success");
  }

  @Test
  void replayedHistorySendsNothing() {
    engine.replay(at(clock.instant(), "r1", Fixtures.drift(web, "shop", "r1", clock.instant())));
    assertThat(queued).isEmpty();
    engine.handle(at(clock.instant(), "r1", Fixtures.inSync(web, "shop", "r1", clock.instant())));
    assertThat(queued).contains("ops:converged:in-sync");
  }

  @Test
  void commitStatusFollowsTheRevisionAcrossResources() {
    ResourceKey db = Fixtures.deployment("prod", "db");
    Instant t = clock.instant();
    engine.handle(at(t, "r1", Fixtures.commit("shop", "r1", t)));
    engine.handle(at(t, "r1", Fixtures.missing(web, "shop", "r1", t)));
    engine.handle(at(t, "r1", Fixtures.inSync(db, "shop", "r1", t)));
    engine.handle(at(t, "r1", Fixtures.applying(web, "shop", "r1", t.plusSeconds(1))));
    engine.handle(at(t.plusSeconds(2), "r1", Fixtures.inSync(web, "shop", "r1", t)));
    assertThat(queued)
        .filteredOn(q -> q.startsWith("gh:"))
        .containsExactly(
            "gh:commit-status:pending", "gh:commit-status:running", "gh:commit-status:success");
  }

  @Test
  void anOlderCommitsLastStatusIsPostedEvenWhenANewerOneIsInTheSameState() {
    ResourceKey db = Fixtures.deployment("prod", "db");
    Instant t = clock.instant();
    engine.handle(at(t, "r1", Fixtures.missing(web, "shop", "r1", t)));
    engine.handle(at(t, "r2", Fixtures.inSync(db, "shop", "r2", t)));
    engine.handle(at(t, "r1", Fixtures.inSync(web, "shop", "r1", t)));
    assertThat(queued)
        .filteredOn(q -> q.startsWith("gh:"))
        .containsExactly(
            "gh:commit-status:pending", "gh:commit-status:success", "gh:commit-status:success");
  }

  @Test
  void aReplicaThatDoesNotCoordinateSendsNoStatusAndPostsTheLatestWhenItTakesOver() {
    engine.replicated(1000);
    Instant t = clock.instant();
    List<Notice> perEvent =
        engine.observeShared(at(t, "r1", Fixtures.missing(web, "shop", "r1", t)));
    engine.observeShared(at(t, "r1", Fixtures.applying(web, "shop", "r1", t)));
    assertThat(queued).isEmpty();
    assertThat(perEvent).extracting(n -> n.kind()).containsExactly(NoticeKind.DRIFT_DETECTED);

    // The owner of the record's partition sends its per-event notice, never its status.
    engine.sendOwned(perEvent);
    assertThat(queued).containsExactly("ops:drift-detected:missing");

    engine.coordinate(true);
    engine.observeShared(at(t, "r1", Fixtures.inSync(web, "shop", "r1", t)));
    assertThat(queued)
        .filteredOn(q -> q.startsWith("gh:"))
        .containsExactly("gh:commit-status:running", "gh:commit-status:success");
  }

  @Test
  void aStatusThePreviousCoordinatorPostedIsNotPostedAgainOnTakingOver() {
    engine.replicated(1000);
    Instant t = clock.instant();
    var missing = at(t, "r1", Fixtures.missing(web, "shop", "r1", t));
    engine.observeShared(missing);
    engine.remember(
        EventEnvelope.causedBy(
            missing,
            "/opsledger/notifier",
            new NotificationSent(
                "shop", "gh", "github", missing.id(), "x", "shop@r1|pending", 1, t)));
    engine.coordinate(true);
    assertThat(queued).isEmpty();
  }
}
