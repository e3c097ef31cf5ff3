package dev.opsledger.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.EventEnvelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spans one service makes, exported to the SDK's in-memory exporter. */
class EventTracingTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";
  static final String TRACEPARENT = "00-" + TRACE + "-" + PARENT + "-01";

  final InMemorySpanExporter exported = InMemorySpanExporter.create();
  final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
  final EventTracing tracing = EventTracing.of(provider, provider);

  @AfterEach
  void close() {
    tracing.close();
  }

  @Test
  void aConsumedRecordWithATraceparentIsAConsumerSpanOfThatTrace() {
    try (EventTracing.Handling h = tracing.process(record(TRACEPARENT), "opsledger-differ")) {
      assertThat(EventTracing.currentTraceparent()).contains(TRACE).doesNotContain(PARENT);
    }
    SpanData span = only();
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getName()).isEqualTo("process opsledger.desired");
    assertThat(span.getTraceId()).isEqualTo(TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(attr(span, "messaging.system")).isEqualTo("kafka");
    assertThat(attr(span, "messaging.destination.name")).isEqualTo("opsledger.desired");
    assertThat(attr(span, "messaging.consumer.group.name")).isEqualTo("opsledger-differ");
    assertThat(attr(span, "messaging.operation.type")).isEqualTo("process");
    assertThat(attr(span, "cloudevents.event_subject")).isEqualTo("prod/core/ConfigMap/shop/web");
    assertThat(attr(span, EventTracing.COMMIT_KEY)).isEqualTo("3f2c9e1");
    assertThat(attr(span, EventTracing.SERVICE_KEY)).isEqualTo("differ");
    assertThat(EventTracing.currentTraceparent()).as("the scope is closed").isEmpty();
  }

  @Test
  void aRecordWithoutATraceparentGetsNoSpan() {
    try (EventTracing.Handling h = tracing.process(record(null), "opsledger-differ")) {
      assertThat(EventTracing.currentTraceparent()).isEmpty();
    }
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-traceparent",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n-injected",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"
      })
  void aHostileTraceparentStartsNoSpanAndIsNotPassedOn(String hostile) {
    try (EventTracing.Handling h = tracing.process(record(hostile), "opsledger-differ")) {
      assertThat(EventTracing.currentTraceparent()).isEmpty();
      assertThat(tracing.send(event("")).traceparent()).isEmpty();
    }
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aHugeTraceparentStartsNoSpan() {
    String huge = TRACEPARENT + "-" + "a".repeat(1 << 20);
    try (EventTracing.Handling h = tracing.process(record(huge), "opsledger-differ")) {
      assertThat(EventTracing.currentTraceparent()).isEmpty();
    }
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void anEventSentWhileARecordIsHandledIsAProducerChildOfItsSpan() {
    String sentWith;
    try (EventTracing.Handling h = tracing.process(record(TRACEPARENT), "opsledger-applier")) {
      EventTracing.Sending s = tracing.send(event(""));
      sentWith = s.traceparent();
      s.end(null);
    }
    List<SpanData> spans = exported.getFinishedSpanItems();
    SpanData producer = byKind(spans, SpanKind.PRODUCER);
    SpanData consumer = byKind(spans, SpanKind.CONSUMER);
    assertThat(producer.getParentSpanId()).isEqualTo(consumer.getSpanId());
    assertThat(producer.getName()).isEqualTo("send opsledger.commits");
    assertThat(attr(producer, "messaging.operation.type")).isEqualTo("send");
    assertThat(attr(producer, "cloudevents.event_type")).isEqualTo("dev.opsledger.commit.observed");
    assertThat(attr(producer, EventTracing.SERVICE_KEY)).isEqualTo("applier");
    assertThat(sentWith)
        .as("the record names the producer span")
        .isEqualTo("00-" + TRACE + "-" + producer.getSpanId() + "-01");
  }

  @Test
  void anEventSentOnAThreadWithoutASpanContinuesTheTraceItCarries() throws Exception {
    EventTracing.Sending s =
        CompletableFuture.supplyAsync(() -> tracing.send(event(TRACEPARENT))).get();
    s.end(null);
    SpanData producer = only();
    assertThat(producer.getTraceId()).isEqualTo(TRACE);
    assertThat(producer.getParentSpanId()).isEqualTo(PARENT);
    assertThat(s.traceparent()).contains(producer.getSpanId());
  }

  @Test
  void anEventOutsideAnyTraceGetsNoSpanAndNoTraceparent() {
    EventTracing.Sending s = tracing.send(event(""));
    s.end(null);
    assertThat(s.traceparent()).isEmpty();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aRefusedSendMarksItsSpanFailedWithoutTheMessage() {
    try (EventTracing.Handling h = tracing.process(record(TRACEPARENT), "opsledger-applier")) {
      tracing.send(event("")).end(new IllegalStateException("token=hunter2"));
      h.failed(new IllegalArgumentException("password: hunter2"));
    }
    assertThat(exported.getFinishedSpanItems())
        .allSatisfy(
            s -> {
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(s.getStatus().getDescription()).doesNotContain("hunter2");
              assertThat(s.getEvents()).isEmpty();
            });
  }

  @Test
  void aRootSpanStartsANewTraceEvenInsideAnother() {
    try (EventTracing.Handling outer = tracing.process(record(TRACEPARENT), "opsledger-x");
        EventTracing.Handling root =
            tracing.root("record commit", "git-watcher", Map.of("opsledger.commit.sha", "abc"))) {
      EventTracing.Sending s = tracing.send(event(""));
      s.end(null);
    }
    SpanData root =
        exported.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("record commit"))
            .findFirst()
            .orElseThrow();
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getTraceId()).isNotEqualTo(TRACE);
    assertThat(attr(root, EventTracing.SERVICE_KEY)).isEqualTo("git-watcher");
    assertThat(byKind(exported.getFinishedSpanItems(), SpanKind.PRODUCER).getParentSpanId())
        .isEqualTo(root.getSpanId());
  }

  @Test
  void withTracingOffAConsumedTraceparentPassesThroughToTheEventsItCauses() {
    EventTracing off = EventTracing.off();
    assertThat(off.recording()).isFalse();
    try (EventTracing.Handling h = off.process(record(TRACEPARENT), "opsledger-differ")) {
      assertThat(EventTracing.currentTraceparent()).isEqualTo(TRACEPARENT);
      assertThat(off.send(event("")).traceparent()).isEqualTo(TRACEPARENT);
    }
    assertThat(off.send(event("")).traceparent()).isEmpty();
    assertThat(off.send(event(TRACEPARENT)).traceparent()).isEqualTo(TRACEPARENT);
  }

  @Test
  void theTracesEndpointFollowsTheConfigurationThenOpenTelemetrysBaseVariable() {
    assertThat(props("http://c:4318/v1/traces").tracesEndpoint("http://other:4318"))
        .isEqualTo("http://c:4318/v1/traces");
    assertThat(props("").tracesEndpoint("http://base:4318/"))
        .isEqualTo("http://base:4318/v1/traces");
    assertThat(props("").tracesEndpoint(null)).isEmpty();
    assertThat(props("  ").tracesEndpoint(" ")).isEmpty();
  }

  @Test
  void startingWithoutAnEndpointRecordsNothing() {
    try (EventTracing t = EventTracing.start(props(""), null, "opsledger-test")) {
      assertThat(t.recording()).isFalse();
    }
  }

  @Test
  void headerValuesAreNeverPrinted() {
    var p =
        new OpsLedgerTracingProperties(
            "http://c:4318/v1/traces",
            1.0,
            Map.of("Authorization", "Bearer hunter2"),
            java.time.Duration.ofSeconds(1));
    assertThat(p.toString()).contains("Authorization").doesNotContain("hunter2");
  }

  private static OpsLedgerTracingProperties props(String endpoint) {
    return new OpsLedgerTracingProperties(endpoint, 1.0, null, java.time.Duration.ofSeconds(1));
  }

  private SpanData only() {
    assertThat(exported.getFinishedSpanItems()).hasSize(1);
    return exported.getFinishedSpanItems().get(0);
  }

  private static SpanData byKind(List<SpanData> spans, SpanKind kind) {
    return spans.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  static ConsumerRecord<Object, Object> record(String traceparent) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, CloudEventHeaders.ID, "e-1");
    header(headers, CloudEventHeaders.TYPE, "dev.opsledger.desired.changed");
    header(headers, CloudEventHeaders.SUBJECT, "prod/core/ConfigMap/shop/web");
    header(headers, CloudEventHeaders.CORRELATION, "3f2c9e1");
    if (traceparent != null) {
      header(headers, CloudEventHeaders.TRACEPARENT, traceparent);
    }
    return new ConsumerRecord<>(
        "opsledger.desired",
        3,
        42L,
        ConsumerRecord.NO_TIMESTAMP,
        org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE,
        0,
        0,
        "prod/core/ConfigMap/shop/web",
        new byte[0],
        headers,
        java.util.Optional.empty());
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static EventEnvelope<CommitObserved> event(String traceparent) {
    CommitObserved commit =
        new CommitObserved(
            "source",
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
    return new EventEnvelope<>(
        "id-1", "/opsledger/applier", java.time.Instant.now(), "sha", "", traceparent, commit);
  }
}
