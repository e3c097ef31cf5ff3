package dev.opsledger.service;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes events to their topics, keyed by subject, with CloudEvents headers, and tells the caller
 * when Kafka has acknowledged them.
 *
 * <p>Why not Spring Cloud Stream's {@code StreamBridge}: writers such as the git-watcher use the
 * acknowledgement as their checkpoint (a commit is recorded only after all of its desired events
 * are durable), and {@code StreamBridge} does not hand back the broker's acknowledgement. Consumers
 * do go through the binder.
 */
public class EventPublisher implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final EventCodec codec;
  private final MeterRegistry meters;
  private final EventTracing tracing;

  /** A publisher with its own idempotent producer for a plaintext cluster (tests). */
  public EventPublisher(String bootstrapServers, EventCodec codec, MeterRegistry meters) {
    this(KafkaConnection.of(bootstrapServers), codec, meters);
  }

  /** A publisher with its own idempotent producer for the cluster {@code connection} reaches. */
  public EventPublisher(KafkaConnection connection, EventCodec codec, MeterRegistry meters) {
    this(new KafkaProducer<>(KafkaSettings.producer(connection)), codec, meters);
  }

  /** A publisher over a given producer, passing trace context through without spans. */
  public EventPublisher(Producer<String, byte[]> producer, EventCodec codec, MeterRegistry meters) {
    this(producer, codec, meters, EventTracing.off());
  }

  /** A publisher with its own idempotent producer and the service's spans. */
  public EventPublisher(
      KafkaConnection connection, EventCodec codec, MeterRegistry meters, EventTracing tracing) {
    this(new KafkaProducer<>(KafkaSettings.producer(connection)), codec, meters, tracing);
  }

  /**
   * A publisher over a given producer.
   *
   * @param tracing opens a PRODUCER span per event sent inside a trace, whose {@code traceparent}
   *     the record carries
   */
  public EventPublisher(
      Producer<String, byte[]> producer,
      EventCodec codec,
      MeterRegistry meters,
      EventTracing tracing) {
    this.producer = producer;
    this.codec = codec;
    this.meters = meters;
    this.tracing = tracing;
  }

  /** Sends one event; the future completes when Kafka acknowledged it. */
  public CompletableFuture<RecordMetadata> publish(EventEnvelope<?> event) {
    EventTracing.Sending span = tracing.send(event);
    EncodedEvent encoded = codec.encode(event.withTraceparent(span.traceparent()));
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    producer.send(
        KafkaRecords.toProducerRecord(encoded),
        (metadata, error) -> {
          span.end(error);
          if (error == null) {
            count(event, "ok");
            done.complete(metadata);
          } else {
            count(event, "error");
            done.completeExceptionally(error);
          }
        });
    return done;
  }

  /**
   * Sends events in order and waits until Kafka acknowledged every one.
   *
   * @throws PublishFailedException when any was not acknowledged within {@code timeout}
   */
  public void publishAll(List<? extends EventEnvelope<?>> events, Duration timeout) {
    List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>(events.size());
    for (EventEnvelope<?> e : events) {
      pending.add(publish(e));
    }
    await(pending, timeout);
  }

  /** Sends one event and waits for its acknowledgement. */
  public RecordMetadata publishAndWait(EventEnvelope<?> event, Duration timeout) {
    CompletableFuture<RecordMetadata> f = publish(event);
    await(List.of(f), timeout);
    return f.join();
  }

  /**
   * This publisher as the {@link EventSink} a service's core publishes through.
   *
   * @param timeout how long {@link EventSink#sendAndWait} waits for Kafka's acknowledgement
   */
  public EventSink sink(Duration timeout) {
    return new EventSink() {
      @Override
      public CompletableFuture<RecordMetadata> send(EventEnvelope<?> event) {
        return publish(event);
      }

      @Override
      public void sendAndWait(List<? extends EventEnvelope<?>> events) {
        publishAll(events, timeout);
      }
    };
  }

  /** Flushes buffered records. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  private void await(List<CompletableFuture<RecordMetadata>> pending, Duration timeout) {
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishFailedException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException e) {
      throw new PublishFailedException(
          "Kafka did not accept an event: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new PublishFailedException("Kafka did not acknowledge within " + timeout, e);
    }
  }

  private void count(EventEnvelope<?> event, String outcome) {
    if (meters != null) {
      meters
          .counter(
              "opsledger.events.published",
              "topic",
              event.type().topic().topicName(),
              "type",
              event.type().ceType(),
              "outcome",
              outcome)
          .increment();
    }
  }

  /** Kafka did not acknowledge an event: transient, the caller retries later. */
  public static class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public PublishFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
