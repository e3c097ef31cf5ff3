package dev.opsledger.service;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventType;
import dev.opsledger.service.core.LogContext;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Every consumed record, in every binding: its subject ({@code ce_subject}, the resource key) and
 * correlation ({@code ce_correlation}, the commit SHA) become the thread's {@link LogContext} while
 * it is handled, and a handled record counts in {@code
 * opsledger.events.consumed{group,topic,type}}.
 *
 * <p>The context stays set until the container's poll cycle ends ({@link #clearThreadState}), not
 * only until the listener returns, so that the error handler's retry lines about the record carry
 * it too; the next record replaces it. The {@code type} tag is a known {@code ce_type} or {@code
 * unknown}: the header is written by producers, and a metric must not get a series per value anyone
 * invents.
 *
 * <p>A record that carries a {@code traceparent} is handled inside its CONSUMER span ({@link
 * EventTracing#process}): current on the container's thread from {@link #intercept} until {@link
 * #afterRecord}, so the events the handler sends are its children. A failed attempt marks its span
 * failed; a retry is a span of its own.
 */
final class RecordLogContext implements RecordInterceptor<Object, Object> {

  /** Records handled by a consumer group, per topic and event type. */
  static final String CONSUMED = "opsledger.events.consumed";

  private final String group;
  private final MeterRegistry meters;
  private final EventTracing tracing;

  /** The span of the record being handled on this container thread. */
  private final ThreadLocal<EventTracing.Handling> handling = new ThreadLocal<>();

  RecordLogContext(String group, MeterRegistry meters, EventTracing tracing) {
    this.group = group;
    this.meters = meters;
    this.tracing = tracing;
  }

  @Override
  public ConsumerRecord<Object, Object> intercept(
      ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
    LogContext.put(LogContext.RESOURCE, header(record, CloudEventHeaders.SUBJECT));
    LogContext.put(LogContext.SHA, header(record, CloudEventHeaders.CORRELATION));
    // A span left open (an interceptor before this one threw) must not become the parent of
    // this record's.
    endSpan();
    handling.set(tracing.process(record, group));
    return record;
  }

  @Override
  public void failure(
      ConsumerRecord<Object, Object> record,
      Exception exception,
      Consumer<Object, Object> consumer) {
    EventTracing.Handling h = handling.get();
    if (h != null) {
      h.failed(exception);
    }
  }

  @Override
  public void afterRecord(
      ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
    endSpan();
  }

  @Override
  public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
    if (meters != null) {
      EventType type = EventType.byCeType(header(record, CloudEventHeaders.TYPE));
      meters
          .counter(
              CONSUMED,
              "group",
              group,
              "topic",
              record.topic(),
              "type",
              type == null ? "unknown" : type.ceType())
          .increment();
    }
  }

  @Override
  public void clearThreadState(Consumer<?, ?> consumer) {
    endSpan();
    LogContext.clear();
  }

  private void endSpan() {
    EventTracing.Handling h = handling.get();
    if (h != null) {
      handling.remove();
      h.close();
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
