package dev.opsledger.notifier;

import static dev.opsledger.notifier.Fixtures.at;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.RecordingReceiver.Request;
import dev.opsledger.notifier.dispatch.ReplicaLease;
import dev.opsledger.notifier.dispatch.ReplicaView;
import dev.opsledger.service.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two notifier replicas on one broker, in one group, send what one notifier sends: every webhook
 * once, one Slack summary per commit, each commit's statuses once per state and ending right, even
 * when the replica that coordinates stops half-way through the first commit.
 */
class NotifierReplicasIT {

  static final int RESOURCES = 200;

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String source = "replicas-" + run;
  final String group = "replicas-" + run;

  NotifierRunner replica(
      String id, RecordingReceiver slack, RecordingReceiver hook, RecordingReceiver gitlab) {
    return new NotifierRunner(group)
        .set("opsledger.notifier.replicas.enabled", true)
        .set("opsledger.notifier.replicas.id", id)
        .set("opsledger.notifier.replicas.lease-timeout", "6s")
        // Every event is its own webhook here: the dedupe window would fold the second revision's
        // drifts into the first's (the same resource and state within 5 minutes).
        .set("opsledger.notifier.dedupe-window", "0s")
        .set("opsledger.notifier.rate-limit.burst", 1000)
        .set("opsledger.notifier.rate-limit.per-second", 1000)
        .channel("slack", "type", "slack")
        .channel("slack", "url", slack.baseUrl() + "/services/replicas")
        .channel("hook", "type", "webhook")
        .channel("hook", "url", hook.baseUrl() + "/hook")
        .channel("gitlab", "type", "gitlab")
        .channel("gitlab", "api-url", gitlab.baseUrl() + "/api/v4")
        .channel("gitlab", "repository", "acme/shop")
        .channel("gitlab", "token", "glpat-" + run)
        .route(source, "slack", "hook", "gitlab");
  }

  @Test
  void twoReplicasSendEachNoticeOnceAndTheSurvivorFinishes() {
    List<ResourceKey> keys = Syncs.many("prod-" + run, RESOURCES);
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String sha1 = "a1" + run;
    String sha2 = "b2" + run;
    List<EventEnvelope<?>> first = Syncs.firstSync(source, sha1, keys, List.of(), t0);
    List<EventEnvelope<?>> second = change(sha2, keys, t0.plusSeconds(2));
    // The first revision up to the first half of its applies, then the rest.
    int cut = first.size() - keys.size() * 3 / 2;
    List<EventEnvelope<?>> before = first.subList(0, cut);
    List<EventEnvelope<?>> after = new ArrayList<>(first.subList(cut, first.size()));
    after.addAll(second);
    Set<String> webhookTriggers = new java.util.HashSet<>();
    for (List<EventEnvelope<?>> events : List.of(first, second)) {
      for (EventEnvelope<?> e : events) {
        String type = e.data().getClass().getSimpleName();
        if (type.equals("ResourceMissing")
            || type.equals("DriftDetected")
            || e.data() instanceof ResourceInSync) {
          webhookTriggers.add(e.id());
        }
      }
    }

    try (RecordingReceiver slack = RecordingReceiver.start();
        RecordingReceiver hook = RecordingReceiver.start();
        RecordingReceiver gitlab = RecordingReceiver.start();
        ConfigurableApplicationContext a = replica("a", slack, hook, gitlab).start();
        ConfigurableApplicationContext b = replica("b", slack, hook, gitlab).start()) {
      await("both replicas have read the log and one coordinates")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.getBean(ReplicaView.class).ready()
                      && b.getBean(ReplicaView.class).ready()
                      && (a.getBean(ReplicaLease.class).held()
                          ^ b.getBean(ReplicaLease.class).held()));
      boolean aCoordinates = a.getBean(ReplicaLease.class).held();
      ConfigurableApplicationContext coordinator = aCoordinates ? a : b;
      ConfigurableApplicationContext survivor = aCoordinates ? b : a;

      survivor.getBean(EventPublisher.class).publishAll(before, Duration.ofSeconds(30));
      await("webhooks of the first half went out, from both replicas")
          .atMost(Duration.ofSeconds(60))
          .until(() -> hook.requests().size() >= RESOURCES + RESOURCES / 4);
      coordinator.close();

      survivor.getBean(EventPublisher.class).publishAll(after, Duration.ofSeconds(30));
      await("the survivor coordinates")
          .atMost(Duration.ofSeconds(60))
          .until(() -> survivor.getBean(ReplicaLease.class).held());
      Runnable report =
          () ->
              System.out.printf(
                  "replicas: %d webhook deliveries, %d of %d triggers, %d Slack messages,"
                      + " statuses %s / %s%n",
                  hook.requests().size(),
                  ceIds(hook).keySet().stream().filter(webhookTriggers::contains).count(),
                  webhookTriggers.size(),
                  slack.requests().size(),
                  states(gitlab, sha1),
                  states(gitlab, sha2));
      await("every webhook, both summaries and both final statuses")
          .conditionEvaluationListener(
              c -> {
                if (c.getElapsedTimeInMS() % 5000 < 50) {
                  report.run();
                }
              })
          .atMost(Duration.ofSeconds(180))
          .until(
              () ->
                  ceIds(hook).keySet().containsAll(webhookTriggers)
                      && slack.requestsContaining(sha1.substring(0, 7)).size() >= 1
                      && slack.requestsContaining(sha2.substring(0, 7)).size() >= 1
                      && "success".equals(lastState(gitlab, sha1))
                      && "success".equals(lastState(gitlab, sha2)));

      Map<String, Long> byId = ceIds(hook);
      report.run();
      assertThat(byId.keySet()).isEqualTo(webhookTriggers);
      assertThat(byId.values()).allMatch(n -> n == 1);
      assertThat(slack.requests()).hasSize(2);
      assertThat(slack.requestsContaining(sha1.substring(0, 7))).hasSize(1);
      assertThat(slack.requestsContaining(sha2.substring(0, 7))).hasSize(1);
      for (String sha : List.of(sha1, sha2)) {
        // Posted again only when the state changed (the aggregate may go back from running to
        // pending between applies), and the last is right.
        List<String> states = states(gitlab, sha);
        for (int i = 1; i < states.size(); i++) {
          assertThat(states.get(i)).isNotEqualTo(states.get(i - 1));
        }
        assertThat(states).last().isEqualTo("success");
      }

      // A replica that joins later reads the history and sends none of it again; it shares what
      // comes next.
      try (ConfigurableApplicationContext c = replica("c", slack, hook, gitlab).start()) {
        await("the third replica has read the log")
            .atMost(Duration.ofSeconds(60))
            .until(() -> c.getBean(ReplicaView.class).ready());
        List<EventEnvelope<?>> edits = new ArrayList<>();
        for (ResourceKey k : keys.subList(0, 20)) {
          edits.addAll(Syncs.liveEdit(source, sha2, k, Instant.now(), 100));
        }
        c.getBean(EventPublisher.class).publishAll(edits, Duration.ofSeconds(30));
        Set<String> more = new java.util.HashSet<>(webhookTriggers);
        edits.stream()
            .filter(e -> !e.data().getClass().getSimpleName().startsWith("Apply"))
            .forEach(e -> more.add(e.id()));
        await("the live edits' webhooks and their drift messages")
            .atMost(Duration.ofSeconds(60))
            .until(() -> ceIds(hook).keySet().containsAll(more) && slack.requests().size() >= 3);
        report.run();
        assertThat(ceIds(hook).keySet()).isEqualTo(more);
        assertThat(ceIds(hook).values()).allMatch(n -> n == 1);
        assertThat(slack.requestsContaining(sha1.substring(0, 7))).hasSize(1);
      }
    }
  }

  /** Every resource changed at once: declared, drifted, patched, in sync. */
  List<EventEnvelope<?>> change(String sha, List<ResourceKey> keys, Instant t) {
    List<EventEnvelope<?>> out = new ArrayList<>();
    for (ResourceKey k : keys) {
      out.add(at(t, sha, Fixtures.desired(k, source, sha, t)));
    }
    out.add(at(t.plusMillis(5), sha, Fixtures.commit(source, sha, t)));
    for (ResourceKey k : keys) {
      out.add(at(t.plusMillis(20), sha, Fixtures.drift(k, source, sha, t.plusMillis(20))));
    }
    for (ResourceKey k : keys) {
      out.add(
          at(
              t.plusMillis(60),
              sha,
              Fixtures.applied(k, source, sha, ApplyOutcome.PATCHED, t.plusMillis(60))));
      out.add(at(t.plusMillis(90), sha, Fixtures.inSync(k, source, sha, t.plusMillis(90))));
    }
    return out;
  }

  static Map<String, Long> ceIds(RecordingReceiver hook) {
    return hook.requests().stream()
        .map(r -> r.header("ce-id"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  static List<String> states(RecordingReceiver gitlab, String sha) {
    return gitlab.requests().stream()
        .filter(r -> r.path().endsWith("/statuses/" + sha))
        .map(Request::json)
        .map(j -> j.get("state").asText())
        .toList();
  }

  static String lastState(RecordingReceiver gitlab, String sha) {
    List<String> s = states(gitlab, sha);
    return s.isEmpty() ? null : s.get(s.size() - 1);
  }
}
