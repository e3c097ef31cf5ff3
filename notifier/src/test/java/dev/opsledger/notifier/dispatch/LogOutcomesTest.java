package dev.opsledger.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.channel.Channel;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.service.EventPublisher.PublishFailedException;
import dev.opsledger.service.core.EventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** An outcome is recorded on the log even when Kafka is away for a while. */
class LogOutcomesTest {

  private final List<EventEnvelope<?>> recorded = new ArrayList<>();
  private final List<RuntimeException> failures = new ArrayList<>();
  private int calls;

  private final EventSink sink =
      new EventSink() {
        @Override
        public java.util.concurrent.CompletableFuture<?> send(EventEnvelope<?> event) {
          sendAndWait(List.of(event));
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void sendAndWait(List<? extends EventEnvelope<?>> events) {
          calls++;
          if (!failures.isEmpty()) {
            throw failures.remove(0);
          }
          recorded.addAll(events);
        }
      };

  private final LogOutcomes outcomes =
      new LogOutcomes(
          sink,
          new SentLedger(Duration.ofHours(1), 100),
          new NotifierMetrics(new SimpleMeterRegistry()),
          Clock.systemUTC(),
          "/opsledger/notifier",
          Duration.ofMillis(5));

  private final Channel slack =
      new Channel() {
        @Override
        public String name() {
          return "slack";
        }

        @Override
        public String type() {
          return "slack";
        }

        @Override
        public Set<NoticeKind> kinds() {
          return MESSAGE_KINDS;
        }

        @Override
        public void send(Notice notice) {}
      };

  private final Notice notice =
      Fixtures.chatDrift(Fixtures.deployment("prod", "web"), "shop", "r1", Instant.now());

  @Test
  void aSentNoticeIsRecordedOnceKafkaTakesItAgainAfterAnOutage() {
    failures.add(timeout());
    failures.add(timeout());

    outcomes.sent(slack, notice, 1);

    assertThat(calls).isEqualTo(3);
    assertThat(recorded)
        .singleElement()
        .satisfies(e -> assertThat(e.data()).isInstanceOf(NotificationSent.class));
  }

  @Test
  void aFailureThatIsNotAnOutageIsNotRetried() {
    failures.add(new IllegalArgumentException("record too large"));

    outcomes.sent(slack, notice, 1);

    assertThat(calls).isEqualTo(1);
    assertThat(recorded).isEmpty();
  }

  private static PublishFailedException timeout() {
    return new PublishFailedException(
        "Kafka did not acknowledge within PT30S", new TimeoutException());
  }
}
