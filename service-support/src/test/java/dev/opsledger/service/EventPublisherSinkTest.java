package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.service.core.EventSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The publisher as the services' {@link EventSink}, over Kafka's {@code MockProducer}. */
class EventPublisherSinkTest {

  final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  final EventSink sink =
      new EventPublisher(producer, new EventCodec(), null).sink(Duration.ofMillis(300));

  @Test
  void sendReturnsAtOnceAndCompletesWhenKafkaAcknowledges() {
    CompletableFuture<?> sent = sink.send(event("a"));
    assertThat(sent).isNotDone();
    producer.completeNext();
    assertThat(sent).isCompleted();
  }

  @Test
  void sendFailsItsFutureWhenKafkaRefuses() {
    CompletableFuture<?> sent = sink.send(event("a"));
    producer.errorNext(new IllegalStateException("broker said no"));
    assertThat(sent).isCompletedExceptionally();
  }

  @Test
  void sendAndWaitSendsInOrderAndReturnsOnceEveryEventIsAcknowledged() {
    MockProducer<String, byte[]> acking =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    EventSink auto = new EventPublisher(acking, new EventCodec(), null).sink(Duration.ofSeconds(5));
    auto.sendAndWait(List.of(event("a"), event("b")));
    auto.sendAndWait(event("c"));
    assertThat(acking.history())
        .extracting(r -> r.key())
        .containsExactly("source-a", "source-b", "source-c");
  }

  @Test
  void sendAndWaitThrowsWhenKafkaDoesNotAcknowledgeInTime() {
    assertThatThrownBy(() -> sink.sendAndWait(event("a")))
        .isInstanceOf(EventPublisher.PublishFailedException.class)
        .hasMessageContaining("did not acknowledge within PT0.3S");
  }

  private static EventEnvelope<CommitObserved> event(String source) {
    CommitObserved commit =
        new CommitObserved(
            "source-" + source,
            "repo",
            "main",
            "sha",
            null,
            null,
            null,
            null,
            null,
            "a commit",
            null,
            null,
            false,
            null);
    return EventEnvelope.create("/opsledger/test", "sha", commit);
  }
}
