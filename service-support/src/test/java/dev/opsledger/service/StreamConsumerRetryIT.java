package dev.opsledger.service;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.messaging.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A record whose handler fails for a reason other than poison is retried, the same record again,
 * until it is handled, however many attempts that takes (the binder used to give up after 8 and
 * dead-letter it), and the retries are visible in the meters. Short backoff intervals keep it fast;
 * the defaults are 0.5 s doubling to 30 s.
 */
@SpringBootTest(
    classes = StreamConsumerRetryIT.App.class,
    properties = {
      "spring.cloud.function.definition=flaky;flakyBatch",
      "spring.cloud.stream.bindings.flaky-in-0.destination=opsledger.diffs",
      "spring.cloud.stream.bindings.flaky-in-0.group=service-support-retry-it",
      "spring.cloud.stream.bindings.flaky-in-0.consumer.back-off-initial-interval=10",
      "spring.cloud.stream.bindings.flaky-in-0.consumer.back-off-max-interval=40",
      "spring.cloud.stream.bindings.flakyBatch-in-0.destination=opsledger.diffs",
      "spring.cloud.stream.bindings.flakyBatch-in-0.group=service-support-retry-batch-it",
      "spring.cloud.stream.bindings.flakyBatch-in-0.consumer.batch-mode=true",
      "spring.cloud.stream.bindings.flakyBatch-in-0.consumer.back-off-initial-interval=10",
      "spring.cloud.stream.bindings.flakyBatch-in-0.consumer.back-off-max-interval=40",
      "opsledger.kafka.source=/opsledger/test"
    })
class StreamConsumerRetryIT {

  /** Failures still to throw, per record key; a key not here is handled at once. */
  static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

  static final Map<String, Supplier<RuntimeException>> CAUSE = new ConcurrentHashMap<>();
  static final List<EventEnvelope<OpsLedgerEvent>> RECEIVED = new CopyOnWriteArrayList<>();

  /** Text whose records the batch listener fails on, and the bodies it handled. */
  static final Set<String> BATCH_FAILING = ConcurrentHashMap.newKeySet();

  static final List<String> BATCH_RECEIVED = new CopyOnWriteArrayList<>();

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
  }

  @Autowired EventPublisher publisher;
  @Autowired MeterRegistry meters;

  @Test
  void retriesADatabaseOutageLongPastTheOldEightAttemptsAndNeverDeadLettersTheRecord() {
    ResourceKey key = key();
    fail(key, 20, () -> new IllegalStateException(new SQLTransientConnectionException("down")));

    var event = publish(key);

    await("the record is handled once the outage is over")
        .until(() -> RECEIVED.stream().anyMatch(e -> e.id().equals(event.id())));
    assertThat(retries("transient")).isGreaterThanOrEqualTo(20);
    await("nothing is retrying any more").until(() -> retrying() == 0);
    assertThat(deadLetters(key)).isEmpty();
  }

  @Test
  void retriesAnUnexpectedFailureTooInsteadOfDeadLetteringValidWork() {
    ResourceKey key = key();
    fail(key, 12, () -> new IllegalStateException("a bug"));

    var event = publish(key);

    await("the record is handled once the bug stops")
        .until(() -> RECEIVED.stream().anyMatch(e -> e.id().equals(event.id())));
    assertThat(retries("unexpected")).isGreaterThanOrEqualTo(12);
    assertThat(deadLetters(key)).isEmpty();
  }

  @Test
  void showsTheRecordAsRetryingWhileItFails() {
    ResourceKey key = key();
    fail(key, Integer.MAX_VALUE, () -> new IllegalStateException(new java.net.ConnectException()));

    var event = publish(key);

    await("the gauge shows the record retrying").until(() -> retrying() >= 1);
    FAILURES.get(key.toString()).set(0);
    await("the record is handled")
        .until(() -> RECEIVED.stream().anyMatch(e -> e.id().equals(event.id())));
    await("the gauge is back to zero").until(() -> retrying() == 0);
  }

  @Test
  void showsARecordOfABatchListenerAsRetryingUntilItsBatchIsHandled() {
    ResourceKey key = key();
    BATCH_FAILING.add(key.target());

    publish(key);

    await("the gauge shows the record retrying").until(() -> retrying("flakyBatch-in-0") >= 1);
    BATCH_FAILING.remove(key.target());
    await("the record is handled")
        .until(() -> BATCH_RECEIVED.stream().anyMatch(b -> b.contains(key.target())));
    await("the gauge is back to zero").until(() -> retrying("flakyBatch-in-0") == 0);
  }

  private static ResourceKey key() {
    return ResourceKey.of(
        "retry-it-" + UUID.randomUUID().toString().substring(0, 8), "", "ConfigMap", "a", "b");
  }

  private static void fail(ResourceKey key, int times, Supplier<RuntimeException> cause) {
    FAILURES.put(key.toString(), new AtomicInteger(times));
    CAUSE.put(key.toString(), cause);
  }

  private EventEnvelope<OpsLedgerEvent> publish(ResourceKey key) {
    EventEnvelope<OpsLedgerEvent> event =
        EventEnvelope.create(
            "/opsledger/test",
            "r1",
            new ResourceInSync(key, "src", "r1", "sha256:00", Instant.now()));
    publisher.publishAndWait(event, Duration.ofSeconds(30));
    return event;
  }

  private double retries(String kind) {
    var counter =
        meters
            .find("opsledger.consumer.retries")
            .tags("binding", "flaky-in-0", "kind", kind)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private double retrying() {
    return retrying("flaky-in-0");
  }

  private double retrying(String binding) {
    var gauge = meters.find("opsledger.consumer.retrying").tags("binding", binding).gauge();
    assertThat(gauge).as("opsledger.consumer.retrying{binding=%s}", binding).isNotNull();
    return gauge.value();
  }

  /** What reached the DLQ for the key, read from its start to its end. */
  private static List<ConsumerRecord<String, byte[]>> deadLetters(ResourceKey key) {
    List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(SharedKafka.bootstrapServers(), null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topic.DIFFS.dlqName()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await("the DLQ is read to its end")
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
              });
    }
    return dead.stream().filter(r -> key.toString().equals(r.key())).toList();
  }

  @SpringBootApplication
  static class App {
    @Bean
    Consumer<Message<byte[]>> flaky(EventMessages messages) {
      return message -> {
        EventEnvelope<OpsLedgerEvent> event = messages.decode(message);
        AtomicInteger left = FAILURES.get(event.subject());
        if (left != null && left.getAndDecrement() > 0) {
          throw CAUSE.get(event.subject()).get();
        }
        RECEIVED.add(event);
      };
    }

    /** A batch listener as the differ's: it names the record of the poll that failed. */
    @Bean
    Consumer<Message<List<byte[]>>> flakyBatch() {
      return message -> {
        List<byte[]> bodies = message.getPayload();
        for (int i = 0; i < bodies.size(); i++) {
          String body = new String(bodies.get(i), StandardCharsets.UTF_8);
          if (BATCH_FAILING.stream().anyMatch(body::contains)) {
            throw new BatchListenerFailedException(
                "down", new IllegalStateException(new java.net.ConnectException()), i);
          }
        }
        bodies.forEach(b -> BATCH_RECEIVED.add(new String(b, StandardCharsets.UTF_8)));
      };
    }
  }
}
