package dev.opsledger.notifier.notice;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.route.Templates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resource that turns Degraded is an alert: at once in chat, and one webhook delivery. */
class DegradedNoticeTest {

  final Instant t0 = Instant.parse("2026-11-29T10:00:00Z");
  final ResourceKey web = Fixtures.deployment("prod", "web");

  @Test
  void aResourceTurningDegradedIsAnErrorWebhookNoticeSayingWhy() {
    List<Notice> out = new Notices(100).observe(health(HealthStatus.DEGRADED));

    assertThat(out)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.RESOURCE_DEGRADED);
              assertThat(n.severity()).isEqualTo(Severity.ERROR);
              assertThat(n.audience()).isEqualTo(Audience.EVENTS);
              assertThat(n.subject()).isEqualTo(web.toString());
              assertThat(n.dedupeKey()).isEqualTo(web + "|degraded");
              assertThat(n.value("previousHealth")).isEqualTo("Progressing");
            });
    assertThat(Templates.defaults().text(out.get(0)))
        .contains("is Degraded (was Progressing)")
        .contains("ReplicaSet \"web-7d4b\" has timed out progressing.");
  }

  @Test
  void otherHealthChangesSayNothing() {
    Notices notices = new Notices(100);

    assertThat(notices.observe(health(HealthStatus.PROGRESSING))).isEmpty();
    assertThat(notices.observe(health(HealthStatus.HEALTHY))).isEmpty();
    assertThat(notices.observe(health(HealthStatus.SUSPENDED))).isEmpty();
  }

  @Test
  void theChatDigestTellsADegradedResourceAtOnceWithoutWaitingForAnyCommit() {
    Digest digest = new Digest(Digest.Policy.defaults(), 100);
    EventEnvelope<ResourceHealthChanged> degraded = health(HealthStatus.DEGRADED);

    digest.observe(health(HealthStatus.HEALTHY), t0);
    digest.observe(degraded, t0);
    List<Notice> told = digest.due(t0);

    assertThat(told)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.RESOURCE_DEGRADED);
              assertThat(n.audience()).isEqualTo(Audience.CHAT);
              // The id of the trigger: a digest rebuilt from the log owes the same message.
              assertThat(n.id()).isEqualTo(degraded.id());
            });
    assertThat(digest.due(t0.plusSeconds(60))).isEmpty();
  }

  private EventEnvelope<ResourceHealthChanged> health(HealthStatus status) {
    return at(
        t0,
        "",
        new ResourceHealthChanged(
            web,
            t0,
            status,
            HealthStatus.PROGRESSING,
            "DeploymentRollout",
            "ReplicaSet \"web-7d4b\" has timed out progressing.",
            "42"));
  }
}
