package dev.opsledger.notifier.dispatch;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.Fixtures.MutableClock;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.Syncs;
import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Digest;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.StormGuard;
import dev.opsledger.notifier.route.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine with a chat channel: the digest's messages, once, and folded in a storm. */
class ChatDigestEngineTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
  final SentLedger ledger = new SentLedger(Duration.ofMinutes(5), 10_000);
  final NotifierMetrics metrics = new NotifierMetrics(new SimpleMeterRegistry());
  final List<Notice> posted = new ArrayList<>();
  final List<Notice> folded = new ArrayList<>();

  NotifierEngine engine() {
    return new NotifierEngine(
        new Notices(10_000),
        new Digest(Digest.Policy.defaults(), 10_000),
        () -> new StormGuard(3, Duration.ofMinutes(1)),
        new Router(List.of(), Map.of("chat", EnumSet.allOf(NoticeKind.class))),
        ledger,
        new NotifierEngine.Sink() {
          @Override
          public void submit(String channel, Notice notice) {
            posted.add(notice);
          }

          @Override
          public boolean changeMode(String channel) {
            return false;
          }

          @Override
          public boolean accepts(String channel, Audience audience) {
            return audience == Audience.CHAT || audience == Audience.CHAT_HELD;
          }

          @Override
          public void fold(String channel, Notice notice) {
            folded.add(notice);
          }
        },
        metrics,
        clock,
        Duration.ofHours(1));
  }

  @Test
  void moreDriftsThanTheStormLimitAreFoldedIntoOneSummaryWithCounts() {
    NotifierEngine engine = engine();
    for (int i = 0; i < 8; i++) {
      ResourceKey k = Fixtures.deployment("prod", "web-" + i);
      engine.handle(at(clock.instant(), "old", Fixtures.drift(k, "shop", "old", clock.instant())));
    }
    clock.advance(Duration.ofSeconds(30));
    engine.tick();

    assertThat(posted).hasSize(3).allMatch(n -> n.kind() == NoticeKind.DRIFT_DETECTED);
    assertThat(folded).hasSize(5);
    assertThat(metrics.count("chat", "folded")).isEqualTo(5);

    clock.advance(Duration.ofMinutes(1));
    engine.tick();

    assertThat(posted).hasSize(4);
    Notice summary = posted.get(3);
    assertThat(summary.kind()).isEqualTo(NoticeKind.NOTICES_FOLDED);
    assertThat(summary.value("counts")).isEqualTo("5 drift-detected");
  }

  @Test
  void aSummaryTheLogSaysWasSentIsNotSentAgainByARebuiltNotifier() {
    List<EventEnvelope<?>> sync =
        Syncs.firstSync("shop", "r1", Syncs.demo("prod"), List.of(), clock.instant());
    NotifierEngine first = engine();
    sync.forEach(first::handle);
    clock.advance(Duration.ofSeconds(10));
    first.tick();
    assertThat(posted)
        .singleElement()
        .satisfies(n -> assertThat(n.kind()).isEqualTo(NoticeKind.COMMIT_SETTLED));
    Notice summary = posted.get(0);

    // A restarted notifier: the ledger learns from the log, the digest from the replayed events.
    posted.clear();
    SentLedger rebuilt = new SentLedger(Duration.ofMinutes(5), 10_000);
    NotifierEngine second =
        new NotifierEngine(
            new Notices(10_000),
            new Digest(Digest.Policy.defaults(), 10_000),
            () -> new StormGuard(3, Duration.ofMinutes(1)),
            new Router(List.of(), Map.of("chat", EnumSet.allOf(NoticeKind.class))),
            rebuilt,
            new NotifierEngine.Sink() {
              @Override
              public void submit(String channel, Notice notice) {
                posted.add(notice);
              }

              @Override
              public boolean changeMode(String channel) {
                return false;
              }

              @Override
              public boolean accepts(String channel, Audience audience) {
                return audience == Audience.CHAT || audience == Audience.CHAT_HELD;
              }
            },
            metrics,
            clock,
            Duration.ofHours(1));
    second.remember(
        EventEnvelope.causedBy(
            summary.trigger(),
            "/opsledger/notifier",
            new NotificationSent(
                "shop",
                "chat",
                "slack",
                summary.id(),
                summary.trigger().type().ceType(),
                summary.dedupeKey(),
                1,
                clock.instant())));
    sync.forEach(second::replay);
    clock.advance(Duration.ofSeconds(10));
    var decisions = second.tick();

    // The summary on the log marks the commit as told: its replayed events owe nothing.
    assertThat(posted).isEmpty();
    assertThat(decisions).isEmpty();
    assertThat(second.digestOpen()).isZero();
  }
}
