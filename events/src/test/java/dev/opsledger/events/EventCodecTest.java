package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event type goes through the CloudEvents Kafka binding and comes back equal. */
class EventCodecTest {

  private final EventCodec codec = new EventCodec();

  @Test
  void examplesCoverEveryEventType() {
    Map<EventType, EventEnvelope<?>> examples = EventExamples.byType();

    assertThat(examples).containsOnlyKeys(EventType.values());
    examples.forEach((type, e) -> assertThat(e.type()).isEqualTo(type));
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void roundTripsEveryEventTypeWithEqualData(EventType type) throws Exception {
    EventEnvelope<?> example = EventExamples.of(type);

    EventEnvelope<OpsLedgerEvent> decoded = codec.decode(codec.encode(example));

    assertThat(decoded.data()).isEqualTo(example.data());
    assertThat(decoded).isEqualTo(example);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void roundTripsEventsWithOptionalFieldsAbsent(EventEnvelope<?> variant) throws Exception {
    assertThat(codec.decode(codec.encode(variant))).isEqualTo(variant);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void writesEveryCloudEventsHeader(EventType type) {
    EventEnvelope<?> example = EventExamples.of(type);

    EncodedEvent encoded = codec.encode(example);

    assertThat(encoded.header("ce_specversion")).isEqualTo("1.0");
    assertThat(encoded.header("ce_id")).isEqualTo(example.id());
    assertThat(encoded.header("ce_source")).isEqualTo(example.source());
    assertThat(encoded.header("ce_type")).isEqualTo(type.ceType());
    assertThat(Instant.parse(encoded.header("ce_time"))).isEqualTo(example.time());
    assertThat(encoded.header("ce_subject")).isEqualTo(encoded.key());
    assertThat(encoded.header("ce_dataschema"))
        .isEqualTo("urn:opsledger:schema:" + type.ceType() + ":" + type.version());
    assertThat(encoded.header("content-type")).isEqualTo("application/json");
    assertThat(encoded.header("ce_correlation")).isEqualTo(emptyToNull(example.correlation()));
    assertThat(encoded.header("ce_causation")).isEqualTo(emptyToNull(example.causation()));
    assertThat(encoded.header("traceparent")).isEqualTo(emptyToNull(example.traceparent()));
  }

  @Test
  void writesTracingHeadersOfAnEventInAChain() {
    EventEnvelope<?> drift = EventExamples.of(EventType.DRIFT_DETECTED);

    EncodedEvent encoded = codec.encode(drift);

    assertThat(encoded.headers())
        .extracting(EventHeader::name)
        .containsExactly(
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "ce_subject",
            "ce_dataschema",
            "content-type",
            "ce_correlation",
            "ce_causation",
            "traceparent");
    assertThat(encoded.header("ce_correlation")).isEqualTo(EventExamples.SHA);
    assertThat(encoded.header("ce_causation"))
        .isEqualTo(EventExamples.of(EventType.DESIRED_STATE_CHANGED).id());
    assertThat(encoded.header("traceparent")).isEqualTo(EventExamples.TRACEPARENT);
  }

  @Test
  void writesCausationOfAnEventCausedByAnother() throws Exception {
    EventEnvelope<?> cause = EventExamples.of(EventType.DRIFT_DETECTED);
    EventEnvelope<ApplyStarted> effect =
        EventEnvelope.causedBy(
            cause,
            "/opsledger/applier",
            new ApplyStarted(
                EventExamples.DEPLOYMENT,
                EventExamples.SOURCE_ID,
                EventExamples.SHA,
                ApplyAction.APPLY,
                true,
                1,
                EventExamples.T0));

    EncodedEvent encoded = codec.encode(effect);

    assertThat(encoded.header("ce_causation")).isEqualTo(cause.id());
    assertThat(encoded.header("ce_correlation")).isEqualTo(cause.correlation());
    assertThat(encoded.header("traceparent")).isEqualTo(cause.traceparent());
    assertThat(codec.decode(encoded)).isEqualTo(effect);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void writesEachHeaderAtMostOnce(EventType type) {
    List<String> names =
        codec.encode(EventExamples.of(type)).headers().stream().map(EventHeader::name).toList();

    assertThat(names).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void writesEachTypeToItsTopicKeyedBySubject(EventType type) {
    EventEnvelope<?> example = EventExamples.of(type);

    EncodedEvent encoded = codec.encode(example);

    assertThat(encoded.topic()).isEqualTo(type.topic().topicName());
    assertThat(encoded.key()).isEqualTo(example.data().subject());
    if (example.data() instanceof ResourceEvent r) {
      assertThat(ResourceKey.parse(encoded.key())).isEqualTo(r.resource());
    }
  }

  @Test
  void keysResourceEventsByTheResourceKeyText() {
    EncodedEvent encoded = codec.encode(EventExamples.of(EventType.DRIFT_DETECTED));

    assertThat(encoded.topic()).isEqualTo("opsledger.diffs");
    assertThat(encoded.key()).isEqualTo("prod-eu-1/apps/Deployment/shop/checkout");
  }

  @Test
  void keysCommitsBySourceId() {
    EncodedEvent encoded = codec.encode(EventExamples.of(EventType.COMMIT_OBSERVED));

    assertThat(encoded.topic()).isEqualTo("opsledger.commits");
    assertThat(encoded.key()).isEqualTo("shop-config");
  }

  @Test
  void keysApprovalOfAWholeRevisionBySourceId() {
    EventEnvelope<SyncApproved> revision =
        EventEnvelope.create(
            "/opsledger/audit-cli",
            EventExamples.SHA,
            new SyncApproved(
                null, "shop-config", EventExamples.SHA, EventExamples.ADA, "", EventExamples.T0));

    EncodedEvent encoded = codec.encode(revision);

    assertThat(encoded.topic()).isEqualTo("opsledger.approvals");
    assertThat(encoded.key()).isEqualTo("shop-config");
    assertThat(encoded.header("ce_subject")).isEqualTo("shop-config");
  }

  @Test
  void omitsEmptyExtensionHeadersAndReadsThemBackAsEmpty() throws Exception {
    EventEnvelope<?> plain =
        new EventEnvelope<>(
            "3f1e2d3c-4b5a-4968-8776-655443322110",
            "/opsledger/state-collector",
            EventExamples.T0,
            null,
            null,
            null,
            EventExamples.of(EventType.OBSERVED_STATE_ABSENT).data());

    EncodedEvent encoded = codec.encode(plain);

    assertThat(encoded.headers())
        .extracting(EventHeader::name)
        .doesNotContain("ce_correlation", "ce_causation", "traceparent");
    EventEnvelope<OpsLedgerEvent> decoded = codec.decode(encoded);
    assertThat(decoded.correlation()).isEmpty();
    assertThat(decoded.causation()).isEmpty();
    assertThat(decoded.traceparent()).isEmpty();
  }

  @Test
  void keepsNanosecondsOfEventTimes() throws Exception {
    Instant precise = Instant.parse("2025-03-14T09:27:01.589123456Z");
    EventEnvelope<?> example =
        new EventEnvelope<>(
            "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
            "/opsledger/differ",
            precise,
            EventExamples.SHA,
            "",
            "",
            new ResourceMissing(EventExamples.BUCKET, "shop-config", EventExamples.SHA, precise));

    assertThat(codec.decode(codec.encode(example))).isEqualTo(example);
  }

  @Test
  void writesTheBodyAsTheEventRecordOnly() throws Exception {
    EncodedEvent encoded = codec.encode(EventExamples.of(EventType.RESOURCE_MISSING));

    assertThat(EventJson.mapper().readTree(encoded.value()).fieldNames())
        .toIterable()
        .containsExactly("desiredRevision", "detectedAt", "resource", "sourceId");
  }

  private static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }

  static Stream<Arguments> variants() {
    return EventExamples.variants().stream()
        .map(e -> Arguments.of(Named.of(e.type() + " " + e.id(), e)));
  }
}
