package dev.opsledger.notifier;

import static dev.opsledger.notifier.Fixtures.at;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A restarted notifier — even one whose consumer group starts over from the beginning of the log —
 * sends nothing it already sent: it rebuilds what was sent from {@code opsledger.notifications}.
 */
class NotifierRestartIT {

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String source = "restart-" + run;

  NotifierRunner notifier(RecordingReceiver slack, String group) {
    return new NotifierRunner(group)
        .channel("slack", "type", "slack")
        .channel("slack", "url", slack.baseUrl() + "/services/restart")
        .route(source, "slack");
  }

  @Test
  void aRestartedNotifierReadingTheLogAgainDoesNotResend() {
    ResourceKey web = Fixtures.deployment("prod-" + run, "web");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (RecordingReceiver slack = RecordingReceiver.start()) {
      try (ConfigurableApplicationContext first = notifier(slack, "restart-a-" + run).start()) {
        first
            .getBean(EventPublisher.class)
            .publishAndWait(
                at(now, "r", Fixtures.drift(web, source, "r", now)), Duration.ofSeconds(30));
        await("the first notifier sends the drift")
            .until(() -> slack.requestsContaining(web.toString()).size() == 1);
      }

      // A new group starts from the beginning of the log: it reads the drift again.
      try (ConfigurableApplicationContext second = notifier(slack, "restart-b-" + run).start()) {
        Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        second
            .getBean(EventPublisher.class)
            .publishAndWait(
                at(later, "r", Fixtures.applyFailed(web, source, "r", true, later)),
                Duration.ofSeconds(30));
        await("the second notifier sends the later event of the same resource")
            .until(() -> slack.requestsContaining(web.toString()).size() >= 2);
        assertThat(slack.requestsContaining(web.toString()))
            .filteredOn(r -> r.text().contains("Drift:"))
            .hasSize(1);
        // The new group reads the diffs topic from its beginning, so the drift may come last.
        await("the drift read again is recognised as already notified")
            .until(
                () ->
                    second.getBean(NotifierMetrics.class).count("slack", "already-notified") == 1);
        assertThat(slack.requestsContaining(web.toString()))
            .filteredOn(r -> r.text().contains("Drift:"))
            .hasSize(1);
      }
    }
  }
}
