package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.testkit.GeneratedLog;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code who} and {@code timeline} keep only what their answer needs while they read, and answer as
 * the projections over the whole log do: over a generated log with rewinds, removals and approvals,
 * for several ranges and commits.
 */
class WhoAndTimelineIT {

  @Test
  void whoAndTimelineAnswerAsAProjectionOverTheWholeLog() {
    String bootstrap = SharedKafka.bootstrapServers();
    KafkaConnection connection = KafkaConnection.of(bootstrap);
    new LogWriter(bootstrap).close(); // creates the topics
    Instant start = Instant.now().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<EventEnvelope<OpsLedgerEvent>> log = new ArrayList<>();
    HealthStatus[] cycle = {
      HealthStatus.HEALTHY, HealthStatus.PROGRESSING, HealthStatus.HEALTHY, HealthStatus.DEGRADED
    };
    int[] observed = {0};
    new GeneratedLog(40, 8, start, 23)
        .write(
            e -> {
              log.add(e);
              // Health changes between the generated events: before each commit's apply, after it,
              // and after the next commit took the resource over.
              if ((e.data() instanceof ObservedStateChanged
                      || e.data() instanceof ApplySucceeded
                      || e.data() instanceof ResourceInSync)
                  && observed[0]++ % 2 == 0) {
                log.add(
                    new EventEnvelope<>(
                        UUID.randomUUID().toString(),
                        "state-collector",
                        e.time().plusMillis(1),
                        "",
                        "",
                        "",
                        new ResourceHealthChanged(
                            ((ResourceEvent) e.data()).resource(),
                            e.time(),
                            cycle[observed[0] % cycle.length],
                            null,
                            "Generated",
                            "",
                            "")));
              }
            });
    AuditStoreIT.write(bootstrap, log);
    Instant end = log.get(log.size() - 1).time();

    List<LoggedEvent> whole;
    try (LogReader reader = new LogReader(connection)) {
      whole = reader.read(EnumSet.allOf(Topic.class), null, null);
    }
    AuditService audit = new AuditService(connection, null);
    long span = end.toEpochMilli() - start.toEpochMilli();
    List<Instant[]> ranges =
        List.of(
            new Instant[] {start, end},
            new Instant[] {start.plusMillis(span / 4), start.plusMillis(span * 3 / 4)},
            new Instant[] {start.plusMillis(span * 9 / 10), end.plusSeconds(60)});
    for (Instant[] r : ranges) {
      List<Answers.Change> expected;
      try (LogReader reader = new LogReader(connection)) {
        // What who answered when it held every commit, desired and approval record up to the end.
        expected =
            AuditProjections.who(
                reader.read(EnumSet.of(Topic.COMMITS, Topic.DESIRED, Topic.APPROVALS), null, r[1]),
                r[0],
                r[1]);
      }
      assertThat(expected).as("the range %s..%s holds changes", r[0], r[1]).isNotEmpty();
      assertThat(audit.who(r[0], r[1])).isEqualTo(expected);
    }

    List<String> shas =
        whole.stream()
            .filter(e -> e.data() instanceof CommitObserved)
            .map(e -> ((CommitObserved) e.data()).sha())
            .distinct()
            .toList();
    assertThat(shas).hasSizeGreaterThan(3);
    long healthSteps = 0;
    for (String sha : List.of(shas.get(0), shas.get(shas.size() / 2), shas.get(shas.size() - 1))) {
      Answers.CommitTimeline expected = AuditProjections.timeline(whole, sha);
      assertThat(expected.steps()).isNotEmpty();
      healthSteps += expected.steps().stream().filter(st -> st.type().contains("health")).count();
      // The generated SHAs share their first 24 digits: a prefix must go past them to be unique.
      String asked = sha.equals(shas.get(0)) ? sha.substring(0, 32) : sha;
      assertThat(audit.timeline(asked)).isEqualTo(expected);
    }
    assertThat(healthSteps).as("the timelines show health changes").isPositive();
  }
}
