package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events written with an older schema version stay readable forever. */
class UpcasterTest {

  private static final String V1_ID = "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b";

  private final EventCodec codec = new EventCodec();

  @Test
  void readsVersion1CommitObservedAsVersion2WithStructuredPersons() throws Exception {
    byte[] body = fixture();

    EventEnvelope<OpsLedgerEvent> decoded = codec.decode(v1Headers(true), body);

    assertThat(decoded.id()).isEqualTo(V1_ID);
    assertThat(decoded.correlation()).isEqualTo("e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5");
    assertThat(decoded.data())
        .isEqualTo(
            new CommitObserved(
                "shop-config",
                "https://github.com/example/shop-config.git",
                "main",
                "e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5",
                List.of(
                    "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
                    "d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4"),
                new Person("Ada Lovelace", "ada@example.com"),
                new Person("GitHub", "noreply@github.com"),
                Instant.parse("2024-11-02T08:15:30Z"),
                Instant.parse("2024-11-02T08:17:02Z"),
                "Expose checkout on port 8080 (#41)\n",
                List.of("apps/checkout/deployment.yaml", "apps/checkout/service.yaml"),
                new PullRequestRef("github", 41, "https://github.com/example/shop-config/pull/41"),
                true,
                null));
  }

  @Test
  void readsCommitObservedWithoutDataSchemaAsVersion1() throws Exception {
    // The first contract release wrote no ce_dataschema; its bodies are version 1.
    EventEnvelope<OpsLedgerEvent> decoded = codec.decode(v1Headers(false), fixture());

    assertThat(((CommitObserved) decoded.data()).author())
        .isEqualTo(new Person("Ada Lovelace", "ada@example.com"));
  }

  @Test
  void reencodesAnUpcastEventAsTheCurrentVersion() throws Exception {
    EventEnvelope<OpsLedgerEvent> decoded = codec.decode(v1Headers(true), fixture());

    EncodedEvent reencoded = codec.encode(decoded);

    assertThat(reencoded.header(CloudEventHeaders.DATA_SCHEMA))
        .isEqualTo("urn:opsledger:schema:dev.opsledger.commit.observed:3");
    assertThat(codec.decode(reencoded)).isEqualTo(decoded);
  }

  @Test
  void authorWithoutAngleBracketsBecomesANameWithoutEmail() {
    ObjectNode v1 = v1Body();
    v1.put("author", "deploy-bot");
    v1.putNull("committer");

    ObjectNode v2 = Upcasters.standard().upcast(EventType.COMMIT_OBSERVED, 1, v1);

    assertThat(v2.get("author").get("name").asText()).isEqualTo("deploy-bot");
    assertThat(v2.get("author").get("email").asText()).isEmpty();
    assertThat(v2.get("committer").isNull()).isTrue();
  }

  @Test
  void leavesCurrentVersionBodiesAlone() {
    ObjectNode v3 = v1Body();
    v3.putObject("author").put("name", "Ada").put("email", "ada@example.com");
    v3.put("sequence", 3);
    v3.put("changedPathsOmitted", 0);
    ObjectNode before = v3.deepCopy();

    assertThat(Upcasters.standard().upcast(EventType.COMMIT_OBSERVED, 3, v3)).isEqualTo(before);
  }

  @Test
  void reportsInvalidBodyWhenAVersion1PersonIsNotText() throws Exception {
    ObjectNode v1 = v1Body();
    v1.putObject("author").put("name", "Ada");
    byte[] body = EventJson.mapper().writeValueAsBytes(v1);

    EventDecodingException e =
        catchThrowableOfType(
            EventDecodingException.class, () -> codec.decode(v1Headers(true), body));

    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.INVALID_BODY);
  }

  @Test
  void reportsUnsupportedVersionWhenAnUpcasterStepIsMissing() throws Exception {
    EventCodec withoutUpcasters = new EventCodec(EventJson.mapper(), new Upcasters(List.of()));
    List<EventHeader> headers = v1Headers(true);
    byte[] body = fixture();

    EventDecodingException e =
        catchThrowableOfType(
            EventDecodingException.class, () -> withoutUpcasters.decode(headers, body));

    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNSUPPORTED_VERSION);
    assertThat(e.getMessage()).contains("from version 1 to 2");
    assertThat(e.rawValue()).isEqualTo(body);
    assertThat(e.headers()).isEqualTo(headers);
  }

  @Test
  void reportsUnsupportedVersionForAVersionNewerThanThisReader() throws Exception {
    List<EventHeader> headers =
        withDataSchema("urn:opsledger:schema:dev.opsledger.commit.observed:4");
    byte[] body = fixture();

    EventDecodingException e =
        catchThrowableOfType(EventDecodingException.class, () -> codec.decode(headers, body));

    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNSUPPORTED_VERSION);
    assertThat(e.getMessage()).contains("1 to 3");
  }

  @Test
  void reportsUnsupportedVersionForVersionZeroAndUnreadableVersions() throws Exception {
    for (String schema :
        List.of(
            "urn:opsledger:schema:dev.opsledger.commit.observed:0",
            "urn:opsledger:schema:dev.opsledger.commit.observed:two",
            "urn:opsledger:schema:dev.opsledger.commit.rejected:1")) {
      EventDecodingException e =
          catchThrowableOfType(
              EventDecodingException.class, () -> codec.decode(withDataSchema(schema), fixture()));

      assertThat(e.reason())
          .as(schema)
          .isEqualTo(EventDecodingException.Reason.UNSUPPORTED_VERSION);
    }
  }

  @Test
  void readsEventsWrittenBeforeSequencesWithoutOne() throws Exception {
    ResourceKey key = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
    for (OpsLedgerEvent event :
        List.<OpsLedgerEvent>of(
            new DesiredStateChanged(
                key,
                "shop-config",
                "e6f7a8b9",
                "cfg.yaml",
                "sha256:00",
                EventJson.mapper().createObjectNode().put("kind", "ConfigMap"),
                null,
                null,
                null,
                7L),
            new DesiredStateRemoved(
                key, "shop-config", "e6f7a8b9", "cfg.yaml", null, null, null, 7L))) {
      EncodedEvent encoded = codec.encode(EventEnvelope.create("/opsledger/test", "", event));
      ObjectNode old = (ObjectNode) EventJson.mapper().readTree(encoded.value());
      old.remove("sequence");
      List<EventHeader> headers = new ArrayList<>();
      for (EventHeader h : encoded.headers()) {
        headers.add(
            CloudEventHeaders.DATA_SCHEMA.equals(h.name())
                ? EventHeader.text(
                    h.name(), h.textValue().replace(":" + EventType.of(event).version(), ":1"))
                : h);
      }

      OpsLedgerEvent read = codec.decode(headers, EventJson.mapper().writeValueAsBytes(old)).data();

      assertThat(read).isInstanceOf(event.getClass());
      assertThat(read)
          .extracting("sequence")
          .as("a version 1 %s has no sequence", event.getClass().getSimpleName())
          .isNull();
    }
  }

  @Test
  void readsObservationsAndExtraneousDiffsWrittenBeforeTheUidWithoutOne() throws Exception {
    ResourceKey key = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
    ObjectNode live = EventJson.mapper().createObjectNode().put("kind", "ConfigMap");
    for (OpsLedgerEvent event :
        List.<OpsLedgerEvent>of(
            new ObservedStateChanged(
                key, Instant.EPOCH, "7", CanonicalJson.hash(live), live, true, "uid-1"),
            new ResourceExtraneous(key, "shop-config", "e6f7a8b9", null, Instant.EPOCH, "uid-1"))) {
      EncodedEvent encoded = codec.encode(EventEnvelope.create("/opsledger/test", "", event));
      ObjectNode old = (ObjectNode) EventJson.mapper().readTree(encoded.value());
      old.remove(List.of("uid", "observedUid"));
      List<EventHeader> headers = new ArrayList<>();
      for (EventHeader h : encoded.headers()) {
        headers.add(
            CloudEventHeaders.DATA_SCHEMA.equals(h.name())
                ? EventHeader.text(h.name(), h.textValue().replace(":2", ":1"))
                : h);
      }

      OpsLedgerEvent read = codec.decode(headers, EventJson.mapper().writeValueAsBytes(old)).data();

      assertThat(read).isInstanceOf(event.getClass());
      assertThat(read)
          .extracting(event instanceof ObservedStateChanged ? "uid" : "observedUid")
          .as("a version 1 %s has no uid", event.getClass().getSimpleName())
          .isNull();
      assertThat(read)
          .usingRecursiveComparison()
          .ignoringFields("uid", "observedUid")
          .isEqualTo(event);
    }
  }

  @Test
  void readsRemovalsWrittenBeforeTheRevisionCountsAsNotCounted() throws Exception {
    ResourceKey key = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
    DesiredStateRemoved event =
        new DesiredStateRemoved(key, "shop-config", "e6f7a8b9", "cfg.yaml", null, null, null, 7L);
    EncodedEvent encoded = codec.encode(EventEnvelope.create("/opsledger/test", "", event));
    ObjectNode old = (ObjectNode) EventJson.mapper().readTree(encoded.value());
    old.remove("removalsInRevision");
    old.remove("declaredBefore");
    List<EventHeader> headers = new ArrayList<>();
    for (EventHeader h : encoded.headers()) {
      headers.add(
          CloudEventHeaders.DATA_SCHEMA.equals(h.name())
              ? EventHeader.text(h.name(), h.textValue().replace(":3", ":2"))
              : h);
    }

    DesiredStateRemoved read =
        (DesiredStateRemoved)
            codec.decode(headers, EventJson.mapper().writeValueAsBytes(old)).data();

    assertThat(read.sequence()).isEqualTo(7L);
    assertThat(read.removalsInRevision()).isNull();
    assertThat(read.declaredBefore()).isNull();
  }

  @Test
  void refusesTwoUpcastersForTheSameStep() {
    Upcaster step = new Upcasters.CommitObservedV1ToV2();

    assertThatThrownBy(() -> new Upcasters(List.of(step, step)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two upcasters");
  }

  private static List<EventHeader> v1Headers(boolean withDataSchema) {
    List<EventHeader> headers = new ArrayList<>();
    headers.add(EventHeader.text(CloudEventHeaders.SPEC_VERSION, "1.0"));
    headers.add(EventHeader.text(CloudEventHeaders.ID, V1_ID));
    headers.add(EventHeader.text(CloudEventHeaders.SOURCE, "/opsledger/git-watcher"));
    headers.add(EventHeader.text(CloudEventHeaders.TYPE, "dev.opsledger.commit.observed"));
    headers.add(EventHeader.text(CloudEventHeaders.TIME, "2024-11-02T08:17:05.120Z"));
    headers.add(EventHeader.text(CloudEventHeaders.SUBJECT, "shop-config"));
    if (withDataSchema) {
      headers.add(
          EventHeader.text(
              CloudEventHeaders.DATA_SCHEMA,
              "urn:opsledger:schema:dev.opsledger.commit.observed:1"));
    }
    headers.add(EventHeader.text(CloudEventHeaders.CONTENT_TYPE, "application/json"));
    headers.add(
        EventHeader.text(
            CloudEventHeaders.CORRELATION, "e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5"));
    return headers;
  }

  private static List<EventHeader> withDataSchema(String dataSchema) {
    List<EventHeader> headers = v1Headers(false);
    headers.add(EventHeader.text(CloudEventHeaders.DATA_SCHEMA, dataSchema));
    return headers;
  }

  private static ObjectNode v1Body() {
    try {
      return (ObjectNode) EventJson.mapper().readTree(fixture());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] fixture() throws IOException {
    try (InputStream in =
        UpcasterTest.class.getResourceAsStream("/fixtures/commit-observed-v1.json")) {
      assertThat(in).isNotNull();
      return in.readAllBytes();
    }
  }
}
