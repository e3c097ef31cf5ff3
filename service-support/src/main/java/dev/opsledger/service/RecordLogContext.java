package dev.opsledger.service;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventType;
import dev.opsledger.service.core.LogContext;
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
 */
final class RecordLogContext implements RecordInterceptor<Object, Object> {

  /** Records handled by a consumer group, per topic and event type. */
  static final String CONSUMED = "opsledger.events.consumed";

  private final String group;
  private final MeterRegistry meters;

  RecordLogContext(String group, MeterRegistry meters) {
    this.group = group;
    this.meters = meters;
  }

  @Override
  public ConsumerRecord<Object, Object> intercept(
      ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
    LogContext.put(LogContext.RESOURCE, header(record, CloudEventHeaders.SUBJECT));
    LogContext.put(LogContext.SHA, header(record, CloudEventHeaders.CORRELATION));
    return record;
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
    LogContext.clear();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
