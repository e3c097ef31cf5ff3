package dev.opsledger.service;

import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

/**
 * How every OpsLedger consumer treats a record its handler fails on: a poison record ({@link
 * ConsumerFailures.Kind#POISON}) goes to {@code <topic>.dlq} at once; anything else is retried, the
 * same record again, with capped exponential backoff for as long as it takes, so a database, broker
 * or API server outage never dead-letters valid work.
 *
 * <p>Why in the listener container and not in the binding (the binder's {@code max-attempts}): the
 * binder retries inside one poll, so retrying for longer than {@code max.poll.interval.ms} (5 min)
 * would get the consumer thrown out of its group. Spring Kafka's {@link DefaultErrorHandler}
 * instead seeks back to the failed record and waits at most one backoff interval (the cap, 30 s by
 * default) before the next poll delivers it again: the poll loop keeps turning whatever the
 * outage's length, and the record's offset is not committed until it is handled. The binder hands
 * retries and dead letters over to the container when a {@link
 * ListenerContainerWithDlqAndRetryCustomizer} says so ({@link #retryAndDlqInBinding}) and {@code
 * max-attempts} is above 1; the backoff comes from the binding's {@code back-off-initial-interval},
 * {@code back-off-multiplier} and {@code back-off-max-interval}, and {@code max-attempts} is no
 * limit.
 *
 * <p>Each failed attempt counts in {@code opsledger.consumer.retries{service,binding,kind}}; the
 * gauge {@code opsledger.consumer.retrying{service,binding}} is the number of records being retried
 * now; a WARN line (ERROR with the stack trace for an {@link ConsumerFailures.Kind#UNEXPECTED}
 * failure) is written at attempts 1, 2, 4, 8, … so a long outage does not flood the log, and one
 * INFO line when the record is finally handled.
 */
public class ConsumerRetries implements ListenerContainerWithDlqAndRetryCustomizer, DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRetries.class);

  /** The header with the reason a record was dead-lettered (what the binder wrote before). */
  public static final String EXCEPTION_MESSAGE_HEADER = "x-exception-message";

  /** Records written to a dead-letter topic, per topic they were read from. */
  public static final String DEAD_LETTERED = "opsledger.events.dead.lettered";

  private volatile java.util.function.Supplier<java.util.List<BindingRebalance>> rebalances =
      java.util.List::of;

  private final KafkaConnection connection;
  private final MeterRegistry meters;
  private final EventTracing tracing;
  private volatile KafkaTemplate<byte[], byte[]> deadLetterTemplate;

  /**
   * Retries for the consumers of one application.
   *
   * @param connection the cluster dead letters are written to, with its client properties
   * @param meters where the retry meters go, or {@code null}
   */
  public ConsumerRetries(KafkaConnection connection, MeterRegistry meters) {
    this(connection, meters, EventTracing.off());
  }

  /**
   * Retries for the consumers of one application, whose records open spans.
   *
   * @param connection the cluster dead letters are written to, with its client properties
   * @param meters where the retry meters go, or {@code null}
   * @param tracing opens the CONSUMER span of each record while it is handled
   */
  public ConsumerRetries(KafkaConnection connection, MeterRegistry meters, EventTracing tracing) {
    this.connection = connection;
    this.meters = meters;
    this.tracing = tracing;
  }

  /**
   * The services' rebalance listeners, installed on the containers of the bindings they handle
   * ({@link BindingRebalance#install}).
   */
  public void rebalances(java.util.function.Supplier<java.util.List<BindingRebalance>> all) {
    this.rebalances = all;
  }

  /** Retries and dead letters are the container's, never the binding's. */
  @Override
  public boolean retryAndDlqInBinding(String destinationName, String group) {
    return false;
  }

  @Override
  public void configure(
      AbstractMessageListenerContainer<?, ?> container,
      String destinationName,
      String group,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver,
      BackOff backOff) {
    configure(container, destinationName, group, dlqDestinationResolver, backOff, null);
  }

  @Override
  public void configure(
      AbstractMessageListenerContainer<?, ?> container,
      String destinationName,
      String group,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver,
      BackOff backOff,
      ExtendedConsumerProperties<KafkaConsumerProperties> properties) {
    Backoff policy = policyOf(properties);
    String binding =
        properties != null && properties.getBindingName() != null
            ? properties.getBindingName()
            : destinationName;
    Attempts attempts = new Attempts(group == null ? "" : group, binding, policy);
    DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters(), new Unbounded(policy));
    // Spring Kafka dead-letters a few exception types at once by default (ClassCastException
    // among them): only poison may be, and the back-off function below decides what is.
    handler.setClassifications(Map.of(), true);
    handler.setBackOffFunction(
        (record, exception) ->
            ConsumerFailures.classify(exception) == ConsumerFailures.Kind.POISON
                ? new FixedBackOff(0L, 0L)
                : null);
    // An outage shows several root causes in turn (refused, timed out, pool exhausted): a new one
    // must not start the backoff again from its first, shortest interval.
    handler.setResetStateOnExceptionChange(false);
    // The container would log every failed attempt with its stack trace; Attempts logs buckets.
    handler.setLogLevel(KafkaException.Level.DEBUG);
    handler.setRetryListeners(attempts);
    container.setCommonErrorHandler(handler);
    intercept(container, attempts);
    interceptBatches(container, attempts);
    intercept(container, new RecordLogContext(group == null ? "" : group, meters, tracing));
    if (properties != null) {
      BindingRebalance.install(container, properties.getBindingName(), rebalances.get());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void intercept(
      AbstractMessageListenerContainer<?, ?> container, RecordInterceptor<Object, Object> added) {
    AbstractMessageListenerContainer raw = container;
    RecordInterceptor existing = raw.getRecordInterceptor();
    raw.setRecordInterceptor(
        existing == null ? added : new CompositeRecordInterceptor(existing, added));
  }

  /**
   * A batch listener (the differ's) never calls record interceptors: the retry gauge learns from
   * the batch that a retried record was handled.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void interceptBatches(
      AbstractMessageListenerContainer<?, ?> container, BatchInterceptor<Object, Object> added) {
    AbstractMessageListenerContainer raw = container;
    BatchInterceptor existing = raw.getBatchInterceptor();
    raw.setBatchInterceptor(
        existing == null ? added : new CompositeBatchInterceptor(existing, added));
  }

  @Override
  public void destroy() {
    KafkaTemplate<byte[], byte[]> template = deadLetterTemplate;
    if (template != null) {
      template.getProducerFactory().reset();
    }
  }

  /** The binding's backoff: capped exponential, never giving up. */
  static Backoff policyOf(ExtendedConsumerProperties<KafkaConsumerProperties> properties) {
    if (properties == null) {
      return new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(30), 0);
    }
    long initial = Math.max(0, properties.getBackOffInitialInterval());
    long max = Math.max(initial, properties.getBackOffMaxInterval());
    double multiplier = Math.max(1.0, properties.getBackOffMultiplier());
    return new Backoff(Duration.ofMillis(initial), multiplier, Duration.ofMillis(max), 0);
  }

  private ConsumerAwareRecordRecoverer deadLetters() {
    DeadLetterPublishingRecoverer publisher =
        new DeadLetterPublishingRecoverer(
            template(),
            (record, exception) ->
                new TopicPartition(record.topic() + Topic.DLQ_SUFFIX, record.partition()));
    publisher.setHeaderNamesSupplier(
        () ->
            DeadLetterPublishingRecoverer.HeaderNames.Builder.original()
                .topicHeader("x-original-topic")
                .partitionHeader("x-original-partition")
                .offsetHeader("x-original-offset")
                .timestampHeader("x-original-timestamp")
                .timestampTypeHeader("x-original-timestamp-type")
                .consumerGroupHeader("x-original-consumer-group")
                .exception()
                .keyExceptionFqcn("x-key-exception-fqcn")
                .exceptionFqcn("x-exception-fqcn")
                .exceptionCauseFqcn("x-exception-cause-fqcn")
                .keyExceptionMessage("x-key-exception-message")
                .exceptionMessage(EXCEPTION_MESSAGE_HEADER)
                .keyExceptionStacktrace("x-key-exception-stacktrace")
                .exceptionStacktrace("x-exception-stacktrace")
                .build());
    publisher.setExceptionHeadersCreator(ConsumerRetries::reasonHeaders);
    return (record, consumer, exception) -> {
      if (ConsumerFailures.classify(exception) != ConsumerFailures.Kind.POISON) {
        // Unreachable with an unbounded backoff; should it happen, valid work stays on its topic
        // (the error handler retries the record) rather than in the DLQ.
        throw new IllegalStateException("not poison, not dead-lettered", exception);
      }
      publisher.accept(record, consumer, exception);
      if (meters != null) {
        meters.counter(DEAD_LETTERED, "topic", record.topic()).increment();
      }
    };
  }

  /** The reason, as the binder wrote it: the poison exception's class and message. */
  private static void reasonHeaders(
      Headers headers,
      Exception exception,
      boolean isKey,
      DeadLetterPublishingRecoverer.HeaderNames names) {
    Throwable poison = ConsumerFailures.poisonCause(exception);
    Throwable reason = poison != null ? poison : exception;
    headers.add("x-exception-fqcn", reason.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add(
        EXCEPTION_MESSAGE_HEADER,
        String.valueOf(reason.getMessage()).getBytes(StandardCharsets.UTF_8));
  }

  private KafkaTemplate<byte[], byte[]> template() {
    KafkaTemplate<byte[], byte[]> t = deadLetterTemplate;
    if (t == null) {
      synchronized (this) {
        if (deadLetterTemplate == null) {
          Map<String, Object> config = new java.util.HashMap<>(KafkaSettings.producer(connection));
          config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
          config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
          deadLetterTemplate = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
        }
        t = deadLetterTemplate;
      }
    }
    return t;
  }

  /** Spring's view of a {@link Backoff} that never gives up. */
  record Unbounded(Backoff policy) implements BackOff {
    @Override
    public BackOffExecution start() {
      int[] failed = {0};
      return () -> {
        failed[0]++;
        return policy.retriesAfter(failed[0])
            ? policy.delayAfter(failed[0]).toMillis()
            : BackOffExecution.STOP;
      };
    }
  }

  /**
   * The attempts of one binding: meters, bucketed log lines, and the records being retried now
   * (from the first failure until the record is handled or the partition moves on past it).
   */
  private final class Attempts
      implements RetryListener,
          RecordInterceptor<Object, Object>,
          BatchInterceptor<Object, Object> {
    private final String service;
    private final String binding;
    private final Backoff policy;
    private final Map<TopicPartition, Retrying> retrying = new ConcurrentHashMap<>();

    Attempts(String service, String binding, Backoff policy) {
      this.service = service;
      this.binding = binding;
      this.policy = policy;
      if (meters != null) {
        Gauge.builder("opsledger.consumer.retrying", retrying, Map::size)
            .description("records a consumer is retrying now (never dead-lettered)")
            .tag("service", service)
            .tag("binding", binding)
            .register(meters);
      }
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception exception, int attempt) {
      ConsumerFailures.Kind kind = ConsumerFailures.classify(exception);
      if (meters != null) {
        meters
            .counter(
                "opsledger.consumer.retries",
                "service",
                service,
                "binding",
                binding,
                "kind",
                kind.name().toLowerCase(java.util.Locale.ROOT))
            .increment();
      }
      if (kind == ConsumerFailures.Kind.POISON) {
        return;
      }
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      retrying.compute(
          tp,
          (k, v) ->
              v != null && v.offset == record.offset() ? v : new Retrying(record.offset(), now()));
      if (Integer.bitCount(attempt) != 1) {
        return;
      }
      Throwable root = ConsumerFailures.rootCause(exception);
      String cause = root.getClass().getSimpleName() + ": " + root.getMessage();
      Duration next = policy.delayAfter(attempt);
      if (kind == ConsumerFailures.Kind.TRANSIENT) {
        LOG.warn(
            "{} ({}): {}-{}@{} failed on attempt {} ({}); retrying in {} ms, not dead-lettered",
            binding,
            service,
            record.topic(),
            record.partition(),
            record.offset(),
            attempt,
            cause,
            next.toMillis());
      } else {
        LOG.error(
            "{} ({}): {}-{}@{} failed on attempt {} with an unexpected error ({}); retrying in {}"
                + " ms, not dead-lettered: the partition waits until this is fixed",
            binding,
            service,
            record.topic(),
            record.partition(),
            record.offset(),
            attempt,
            cause,
            next.toMillis(),
            exception);
      }
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(
        ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
      return record;
    }

    @Override
    public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      Retrying was = retrying.get(tp);
      if (was != null && record.offset() >= was.offset && retrying.remove(tp, was)) {
        LOG.info(
            "{} ({}): {}-{}@{} handled after {} ms of retries",
            binding,
            service,
            record.topic(),
            record.partition(),
            record.offset(),
            Duration.between(was.since, now()).toMillis());
      }
    }

    @Override
    public ConsumerRecords<Object, Object> intercept(
        ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
      return records;
    }

    @Override
    public void success(
        ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
      if (!retrying.isEmpty()) {
        records.forEach(r -> success(r, consumer));
      }
    }

    @Override
    public void recovered(ConsumerRecord<?, ?> record, Exception exception) {
      retrying.remove(new TopicPartition(record.topic(), record.partition()));
    }

    private Instant now() {
      return Instant.now();
    }
  }

  private record Retrying(long offset, Instant since) {}
}
