package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventType;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health in the audit's answers: the state of a resource, and a commit's timeline. */
class HealthProjectionsTest {

  private static final ResourceKey WEB =
      ResourceKey.of("prod", "apps", "Deployment", "shop", "web");
  private static final ResourceKey CFG = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
  private static final Person ADA = new Person("Ada", "ada@example.com");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String SHA1 = "a".repeat(40);
  private static final String SHA2 = "b".repeat(40);
  private static final String HEALTH = EventType.RESOURCE_HEALTH_CHANGED.ceType();

  private final List<LoggedEvent> log = new ArrayList<>();

  @Test
  void theStateOfAResourceShowsItsLastHealthAndNoneOnceItIsGone() {
    declare(0, WEB, SHA1);
    health(1, WEB, HealthStatus.PROGRESSING, null);
    health(5, WEB, HealthStatus.DEGRADED, HealthStatus.PROGRESSING);

    var degraded = AuditProjections.stateAt(log, T0.plusSeconds(6)).resources().get(0);
    at(7, Topic.OBSERVED, "", new ObservedStateAbsent(WEB, T0.plusSeconds(7), "deleted"));
    var gone = AuditProjections.stateAt(log, T0.plusSeconds(8)).resources().get(0);

    assertThat(AuditProjections.stateAt(log, T0).resources().get(0).health()).isEqualTo("Unknown");
    assertThat(degraded.health()).isEqualTo("Degraded");
    assertThat(degraded.healthMessage()).isEqualTo("rollout at 5 s");
    assertThat(gone.health()).isEqualTo("Unknown");
  }

  @Test
  void aCommitsTimelineEndsWhenItsResourcesAreHealthyAfterTheirApply() {
    health(-100, CFG, HealthStatus.HEALTHY, null);
    health(-100, WEB, HealthStatus.HEALTHY, null);
    declare(0, WEB, SHA1);
    declare(0, CFG, SHA1);
    applied(2, WEB, SHA1);
    applied(2, CFG, SHA1);
    health(3, WEB, HealthStatus.PROGRESSING, HealthStatus.HEALTHY);
    inSync(4, WEB, SHA1);
    inSync(4, CFG, SHA1);
    health(9, WEB, HealthStatus.HEALTHY, HealthStatus.PROGRESSING);

    var timeline = AuditProjections.timeline(log, SHA1);

    assertThat(timeline.allInSyncMillis()).isEqualTo(4000);
    // The ConfigMap stayed healthy through its update (no health event); the Deployment's rollout
    // ended at +9 s: the last step of the commit's way.
    assertThat(timeline.allHealthyMillis()).isEqualTo(9000);
    assertThat(timeline.steps())
        .filteredOn(s -> s.type().equals(HEALTH))
        .extracting(Answers.TimelineStep::sinceCommitMillis, Answers.TimelineStep::summary)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3000L, "Progressing: rollout at 3 s (was Healthy)"),
            org.assertj.core.groups.Tuple.tuple(
                9000L, "Healthy: rollout at 9 s (was Progressing)"));
    assertThat(timeline.steps().get(timeline.steps().size() - 1).type()).isEqualTo(HEALTH);
  }

  @Test
  void aNewerRevisionCancelsTheWaitForHealthOfThePreviousOne() {
    health(-1, WEB, HealthStatus.HEALTHY, null);
    declare(0, WEB, SHA1);
    applied(1, WEB, SHA1);
    health(2, WEB, HealthStatus.PROGRESSING, HealthStatus.HEALTHY);
    declare(5, WEB, SHA2);
    applied(6, WEB, SHA2);
    health(9, WEB, HealthStatus.HEALTHY, HealthStatus.PROGRESSING);

    var first = AuditProjections.timeline(log, SHA1);
    var second = AuditProjections.timeline(log, SHA2);

    // SHA1 never became healthy: SHA2 took over before, and the health at +9 s is SHA2's.
    assertThat(first.allHealthyMillis()).isEqualTo(-1);
    assertThat(first.steps())
        .extracting(Answers.TimelineStep::type)
        .containsExactly(
            EventType.DESIRED_STATE_CHANGED.ceType(),
            EventType.APPLY_SUCCEEDED.ceType(),
            HEALTH,
            EventType.DESIRED_STATE_CHANGED.ceType());
    assertThat(first.steps().get(first.steps().size() - 1).summary())
        .isEqualTo("declared at " + SHA2.substring(0, 12) + " in web.yaml");
    assertThat(second.allHealthyMillis()).isEqualTo(4000);
  }

  @Test
  void aResourceHealthyBeforeItsApplyIsHealthyOnceApplied() {
    health(-1, CFG, HealthStatus.HEALTHY, null);
    declare(0, CFG, SHA1);
    inSync(3, CFG, SHA1);

    var timeline = AuditProjections.timeline(log, SHA1);

    assertThat(timeline.allHealthyMillis()).isEqualTo(3000);
    assertThat(timeline.steps()).extracting(Answers.TimelineStep::type).doesNotContain(HEALTH);
  }

  private void declare(long s, ResourceKey key, String sha) {
    var manifest = JsonNodeFactory.instance.objectNode().put("kind", key.kind());
    at(
        s,
        Topic.DESIRED,
        sha,
        new DesiredStateChanged(
            key,
            "src",
            sha,
            key.name() + ".yaml",
            "sha256:" + "0".repeat(64),
            manifest,
            ADA,
            T0,
            null));
  }

  private void applied(long s, ResourceKey key, String sha) {
    at(
        s,
        Topic.APPLIES,
        sha,
        new ApplySucceeded(
            key, "src", sha, ApplyOutcome.PATCHED, false, 1, T0.plusSeconds(s), 10L));
  }

  private void inSync(long s, ResourceKey key, String sha) {
    at(s, Topic.DIFFS, sha, new ResourceInSync(key, "src", sha, "h", T0.plusSeconds(s)));
  }

  private void health(long s, ResourceKey key, HealthStatus now, HealthStatus before) {
    at(
        s,
        Topic.OBSERVED,
        "",
        new ResourceHealthChanged(
            key,
            T0.plusSeconds(s),
            now,
            before,
            "DeploymentRollout",
            "rollout at " + s + " s",
            ""));
  }

  private void at(long seconds, Topic topic, String correlation, OpsLedgerEvent data) {
    Instant t = T0.plusSeconds(seconds);
    var envelope = new EventEnvelope<>("id-" + log.size(), "/test", t, correlation, "", "", data);
    log.add(new LoggedEvent(topic.topicName(), 0, log.size(), t, data.subject(), envelope, null));
  }
}
