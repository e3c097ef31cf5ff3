package dev.opsledger.service.tracing;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.service.core.LogContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spans of every service, one implementation: a CONSUMER span per consumed record that carries
 * a {@code traceparent} (a child of the span that sent it), a PRODUCER span per event sent inside a
 * trace (its {@code traceparent} is written to the record), and a root span where a trace starts
 * (the git-watcher's recording of a revision).
 *
 * <p>Off (no OTLP endpoint configured), the tracer is OpenTelemetry's no-op one: it records nothing
 * and starts no thread, yet a consumed record's trace context still becomes the current one, so the
 * events it causes carry its {@code traceparent} on. A service with tracing off passes traces
 * through instead of breaking them, and the only cost is reading and writing one header.
 *
 * <p>A record or an event without a valid {@code traceparent} (none, or a malformed or hostile
 * value, which W3C parsing rejects) gets no span: traces start where a commit is recorded, not at
 * each of the many observations of a cluster, so their number follows commits.
 *
 * <p>Attributes follow the OpenTelemetry messaging and CloudEvents semantic conventions, plus
 * {@value #SERVICE_KEY} (which service made the span: under {@code opsledger up} all five share one
 * process and so one {@code service.name}) and {@value #COMMIT_KEY}. They name topics, groups,
 * resource keys, event types and ids, never an event's body, so no Secret value can reach a span.
 */
public final class EventTracing implements AutoCloseable {

  /** The instrumentation scope of every OpsLedger span. */
  public static final String SCOPE = "dev.opsledger";

  /** The attribute that names the service a span belongs to, e.g. {@code differ}. */
  public static final String SERVICE_KEY = "opsledger.service";

  /** The attribute with the commit SHA that started the chain ({@code ce_correlation}). */
  public static final String COMMIT_KEY = "opsledger.commit.sha";

  static final AttributeKey<String> SERVICE = AttributeKey.stringKey(SERVICE_KEY);
  static final AttributeKey<String> COMMIT = AttributeKey.stringKey(COMMIT_KEY);
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> MESSAGE_KEY =
      AttributeKey.stringKey("messaging.kafka.message.key");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
  static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
  static final AttributeKey<String> EVENT_SOURCE =
      AttributeKey.stringKey("cloudevents.event_source");
  static final AttributeKey<String> EVENT_SUBJECT =
      AttributeKey.stringKey("cloudevents.event_subject");

  private static final Logger LOG = LoggerFactory.getLogger(EventTracing.class);

  private static final String SERVICE_PREFIX = "opsledger-";
  private static final String SOURCE_PREFIX = "/opsledger/";

  private final Tracer tracer;
  private final AutoCloseable provider;

  private EventTracing(Tracer tracer, AutoCloseable provider) {
    this.tracer = tracer;
    this.provider = provider;
  }

  /** Tracing off: trace context passes through, nothing is recorded or exported. */
  public static EventTracing off() {
    return new EventTracing(TracerProvider.noop().get(SCOPE), null);
  }

  /**
   * Tracing with spans from {@code provider}.
   *
   * @param provider where spans go; closed (flushing what is buffered) with this object, when
   *     {@code owned}
   * @param owned whether {@link #close} closes the provider
   */
  public static EventTracing of(TracerProvider provider, AutoCloseable owned) {
    return new EventTracing(provider.get(SCOPE), owned);
  }

  /**
   * Tracing as configured: exporting over OTLP/HTTP when there is an endpoint, else {@link #off}.
   *
   * @param props the configuration
   * @param baseEndpoint {@code OTEL_EXPORTER_OTLP_ENDPOINT}, or {@code null}
   * @param serviceName the resource's {@code service.name}
   */
  public static EventTracing start(
      OpsLedgerTracingProperties props, String baseEndpoint, String serviceName) {
    String endpoint = props.tracesEndpoint(baseEndpoint);
    if (endpoint.isEmpty()) {
      return off();
    }
    LOG.info(
        "tracing: exporting spans of {} to {} (sampling {} of new traces)",
        serviceName,
        endpoint,
        props.samplingProbability());
    return OtlpTracing.start(endpoint, props, serviceName);
  }

  /** Whether spans are recorded (an endpoint is configured), not only passed through. */
  public boolean recording() {
    return provider != null;
  }

  /**
   * Opens the CONSUMER span of a consumed record and makes it current on this thread, so the events
   * its handler sends are its children.
   *
   * @param record the record as read
   * @param group the consumer group reading it (names the service: {@code opsledger-differ})
   * @return the open span; {@link Handling#none()} when the record carries no valid trace context
   */
  public Handling process(ConsumerRecord<?, ?> record, String group) {
    Context parent = extract(record.headers());
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return Handling.none();
    }
    SpanBuilder b =
        tracer
            .spanBuilder("process " + record.topic())
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(SYSTEM, "kafka")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, record.topic())
            .setAttribute(GROUP, group)
            .setAttribute(PARTITION, Integer.toString(record.partition()))
            .setAttribute(OFFSET, record.offset())
            .setAttribute(SERVICE, serviceOfGroup(group));
    text(b, MESSAGE_ID, header(record.headers(), CloudEventHeaders.ID));
    text(b, EVENT_ID, header(record.headers(), CloudEventHeaders.ID));
    text(b, EVENT_TYPE, header(record.headers(), CloudEventHeaders.TYPE));
    text(b, EVENT_SOURCE, header(record.headers(), CloudEventHeaders.SOURCE));
    text(b, EVENT_SUBJECT, header(record.headers(), CloudEventHeaders.SUBJECT));
    text(b, MESSAGE_KEY, header(record.headers(), CloudEventHeaders.SUBJECT));
    text(b, COMMIT, header(record.headers(), CloudEventHeaders.CORRELATION));
    Span span = b.startSpan();
    return new Handling(span, span.makeCurrent());
  }

  /**
   * Opens the PRODUCER span of an event about to be sent. Its parent is the current span (the
   * record being handled, the revision being recorded) or, on a thread of its own such as the
   * differ's outbox, the {@code traceparent} the event already carries.
   *
   * @return the span, whose {@link Sending#traceparent} goes on the record; {@link
   *     Sending#none(String)} (keeping the event's own value) when there is no trace to continue
   */
  public Sending send(EventEnvelope<?> event) {
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      parent = parse(event.traceparent());
      if (!Span.fromContext(parent).getSpanContext().isValid()) {
        return Sending.none(event.traceparent());
      }
    }
    String topic = event.type().topic().topicName();
    SpanBuilder b =
        tracer
            .spanBuilder("send " + topic)
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(parent)
            .setAttribute(SYSTEM, "kafka")
            .setAttribute(OPERATION_TYPE, "send")
            .setAttribute(OPERATION_NAME, "send")
            .setAttribute(DESTINATION, topic)
            .setAttribute(SERVICE, serviceOfSource(event.source()))
            .setAttribute(MESSAGE_ID, event.id())
            .setAttribute(EVENT_ID, event.id())
            .setAttribute(EVENT_TYPE, event.type().ceType())
            .setAttribute(EVENT_SOURCE, event.source());
    text(b, EVENT_SUBJECT, event.subject());
    text(b, MESSAGE_KEY, event.subject());
    text(b, COMMIT, event.correlation());
    Span span = b.startSpan();
    String traceparent = format(Context.root().with(span));
    return new Sending(span, traceparent == null ? event.traceparent() : traceparent);
  }

  /**
   * Starts a new trace: a root span, current on this thread until the returned scope closes.
   *
   * @param name the span's name, e.g. {@code record commit}
   * @param service the service starting it, e.g. {@code git-watcher}
   * @param attributes further attributes (short texts: ids, never values from manifests)
   */
  public Handling root(String name, String service, Map<String, String> attributes) {
    SpanBuilder b =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.INTERNAL)
            .setNoParent()
            .setAttribute(SERVICE, service);
    attributes.forEach((k, v) -> text(b, AttributeKey.stringKey(k), v));
    Span span = b.startSpan();
    return new Handling(span, span.makeCurrent());
  }

  /**
   * The {@code traceparent} of the current span on this thread, for work handed to another thread
   * (the differ's aggregate events, published by its outbox); empty when there is none.
   */
  public static String currentTraceparent() {
    String t = format(Context.current());
    return t == null ? "" : t;
  }

  /** Flushes buffered spans and stops the exporter; nothing to do when off. */
  @Override
  public void close() {
    if (provider != null) {
      try {
        provider.close();
      } catch (Exception e) {
        // Spans that could not be flushed at shutdown are lost; the service stops regardless.
      }
    }
  }

  static String serviceOfGroup(String group) {
    return group != null && group.startsWith(SERVICE_PREFIX)
        ? group.substring(SERVICE_PREFIX.length())
        : String.valueOf(group);
  }

  static String serviceOfSource(String source) {
    return source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length()) : source;
  }

  private static Context extract(Headers headers) {
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), headers, KafkaHeadersGetter.INSTANCE);
  }

  /** The context of a {@code traceparent} value; the root context when it is not a valid one. */
  static Context parse(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(
            Context.root(), Map.of(CloudEventHeaders.TRACEPARENT, traceparent), MapGetter.INSTANCE);
  }

  private static String format(Context context) {
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
    return carrier.get(CloudEventHeaders.TRACEPARENT);
  }

  private static void text(SpanBuilder b, AttributeKey<String> key, String value) {
    // Header values are written by whoever can produce to the topic: one short printable line.
    String clean = LogContext.clean(value);
    if (clean != null) {
      b.setAttribute(key, clean);
    }
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * An open span that is current on its thread: {@link #close} ends it and restores the thread's
   * previous context, on the thread that opened it.
   */
  public static final class Handling implements AutoCloseable {
    private static final Handling NONE = new Handling(null, null);

    private final Span span;
    private final Scope scope;

    private Handling(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    /** No span: nothing to end. */
    public static Handling none() {
      return NONE;
    }

    /**
     * Records a failure of the work the span covers, by the exception's type only: a message can
     * quote what an API server or a manifest said, and a span must never carry a Secret value.
     */
    public void failed(Throwable error) {
      if (span != null) {
        span.setStatus(StatusCode.ERROR, error.getClass().getName());
      }
    }

    /** Adds an attribute known only once the work is done (e.g. whether a commit was accepted). */
    public void attribute(String key, String value) {
      if (span != null && value != null) {
        span.setAttribute(key, value);
      }
    }

    @Override
    public void close() {
      if (scope != null) {
        scope.close();
        span.end();
      }
    }
  }

  /** An open PRODUCER span: ended when the broker acknowledged the record, or refused it. */
  public static final class Sending {
    private final Span span;
    private final String traceparent;

    private Sending(Span span, String traceparent) {
      this.span = span;
      this.traceparent = traceparent;
    }

    /** No span; the record keeps the event's own {@code traceparent}. */
    public static Sending none(String traceparent) {
      return new Sending(null, traceparent);
    }

    /** The {@code traceparent} to write on the record. */
    public String traceparent() {
      return traceparent;
    }

    /**
     * Ends the span.
     *
     * @param error why the broker refused the record, or {@code null} when it acknowledged it
     */
    public void end(Throwable error) {
      if (span == null) {
        return;
      }
      if (error != null) {
        span.setStatus(StatusCode.ERROR, error.getClass().getName());
      }
      span.end();
    }
  }

  private enum KafkaHeadersGetter implements TextMapGetter<Headers> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Headers carrier) {
      return List.of(CloudEventHeaders.TRACEPARENT);
    }

    @Override
    public String get(Headers carrier, String key) {
      return carrier == null ? null : header(carrier, key);
    }
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
