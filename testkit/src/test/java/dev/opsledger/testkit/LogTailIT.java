package dev.opsledger.testkit;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.Person;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LogTailIT {

  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

  @Test
  void aTailFromTheEndSeesOnlyWhatComesAfterItAndOnlyWhatItKeeps() {
    String source = "tail-" + UUID.randomUUID();
    try (LogWriter writer = new LogWriter(SharedKafka.bootstrapServers())) {
      writer.write(T0, "", approval(source, "before"));
      try (LogTail tail =
          LogTail.fromEnd(
              SharedKafka.bootstrapServers(), LogTail.keyStartsWith(source), Topic.APPROVALS)) {
        writer.write(T0, "", approval("someone-else-" + source, "other"));
        var after = writer.write(T0, "", approval(source, "after"));

        await("the approval written after the tail started")
            .until(
                () -> tail.has(e -> e instanceof SyncApproved a && a.revision().equals("after")));
        assertThat(tail.data(SyncApproved.class))
            .extracting(SyncApproved::revision)
            .containsExactly("after");
        assertThat(tail.events().get(0).id()).isEqualTo(after.id());
      }
    }
  }

  @Test
  void aTailFromTheBeginningSeesEarlierEventsAndKeepsPoisonApart() {
    String source = "tail-" + UUID.randomUUID();
    try (LogWriter writer = new LogWriter(SharedKafka.bootstrapServers())) {
      writer.write(T0, "", approval(source, "first"));
      writer.writeRaw(
          Topic.APPROVALS.topicName(), source, "not an event".getBytes(StandardCharsets.UTF_8));
      try (LogTail tail =
          LogTail.fromBeginning(
              SharedKafka.bootstrapServers(), LogTail.keyStartsWith(source), Topic.APPROVALS)) {
        writer.write(T0, "", approval(source, "second"));

        await("both approvals of the source")
            .until(() -> tail.data(SyncApproved.class).size() == 2);
        assertThat(tail.data(SyncApproved.class))
            .extracting(SyncApproved::revision)
            .containsExactly("first", "second");
        assertThat(tail.poison()).anyMatch(r -> source.equals(r.key()));
      }
    }
  }

  private static SyncApproved approval(String source, String revision) {
    return new SyncApproved(null, source, revision, new Person("Ada", ""), null, T0);
  }
}
