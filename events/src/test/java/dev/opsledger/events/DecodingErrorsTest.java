package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventDecodingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A record that is not a readable event fails with the checked {@link EventDecodingException}, its
 * reason, and the record exactly as received, so that the consumer can dead-letter it; never with
 * an unchecked exception that would stop the consumer.
 */
class DecodingErrorsTest {

  private final EventCodec codec = new EventCodec();
  private final EncodedEvent valid = codec.encode(EventExamples.of(EventType.DRIFT_DETECTED));

  @Test
  void rejectsBodyThatIsNotJson() {
    byte[] body = "<drift resource=\"checkout\"/>".getBytes(StandardCharsets.UTF_8);

    assertThat(failure(valid.headers(), body).reason()).isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void rejectsTruncatedJson() {
    byte[] body = new String(valid.value(), StandardCharsets.UTF_8).substring(0, 40).getBytes();

    assertThat(failure(valid.headers(), body).reason()).isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void rejectsJsonArrayBody() {
    byte[] body = "[{\"resource\":null}]".getBytes(StandardCharsets.UTF_8);

    EventDecodingException e = failure(valid.headers(), body);

    assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
    assertThat(e.getMessage()).contains("not an object");
  }

  @Test
  void rejectsJsonScalarBody() {
    assertThat(failure(valid.headers(), "\"drift\"".getBytes()).reason())
        .isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void rejectsEmptyBody() {
    assertThat(failure(valid.headers(), new byte[0]).reason()).isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void rejectsMissingBodyAndReportsItAsEmpty() {
    EventDecodingException e = failure(valid.headers(), null);

    assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
    assertThat(e.rawValue()).isEmpty();
  }

  @Test
  void rejectsUnknownCeType() {
    List<EventHeader> headers = replaced(valid.headers(), "ce_type", "dev.opsledger.diff.exploded");

    EventDecodingException e = failure(headers, valid.value());

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE);
    assertThat(e.getMessage()).contains("dev.opsledger.diff.exploded");
  }

  @Test
  void rejectsMissingCeId() {
    EventDecodingException e = failure(removed(valid.headers(), "ce_id"), valid.value());

    assertThat(e.reason()).isEqualTo(Reason.MISSING_HEADER);
    assertThat(e.getMessage()).contains("ce_id");
  }

  @Test
  void rejectsBlankCeSource() {
    assertThat(failure(replaced(valid.headers(), "ce_source", " "), valid.value()).reason())
        .isEqualTo(Reason.MISSING_HEADER);
  }

  @Test
  void rejectsMissingCeType() {
    assertThat(failure(removed(valid.headers(), "ce_type"), valid.value()).reason())
        .isEqualTo(Reason.MISSING_HEADER);
  }

  @Test
  void rejectsWrongSpecVersion() {
    EventDecodingException e =
        failure(replaced(valid.headers(), "ce_specversion", "0.3"), valid.value());

    assertThat(e.reason()).isEqualTo(Reason.MISSING_HEADER);
    assertThat(e.getMessage()).contains("0.3");
  }

  @Test
  void rejectsRecordWithoutSpecVersion() {
    assertThat(failure(removed(valid.headers(), "ce_specversion"), valid.value()).reason())
        .isEqualTo(Reason.MISSING_HEADER);
  }

  @Test
  void rejectsTimeThatIsNotRfc3339() {
    assertThat(failure(replaced(valid.headers(), "ce_time", "14/03/2025 09:27"), valid.value()))
        .extracting(EventDecodingException::reason)
        .isEqualTo(Reason.MISSING_HEADER);
  }

  @Test
  void rejectsBodyThatViolatesTheRecordsConstructorCheck() {
    EncodedEvent commit = codec.encode(EventExamples.of(EventType.COMMIT_OBSERVED));
    byte[] body = mutated(commit.value(), b -> b.put("sourceId", ""));

    EventDecodingException e = failure(commit.headers(), body);

    assertThat(e.reason()).isEqualTo(Reason.INVALID_BODY);
    assertThat(e.getMessage()).contains("sourceId is required");
  }

  @Test
  void rejectsExplicitNullForARequiredJsonDocument() {
    EncodedEvent observed = codec.encode(EventExamples.of(EventType.OBSERVED_STATE_CHANGED));
    byte[] body = mutated(observed.value(), b -> b.putNull("live"));

    EventDecodingException e = failure(observed.headers(), body);

    assertThat(e.reason()).isEqualTo(Reason.INVALID_BODY);
    assertThat(e.getMessage()).contains("live is required");
  }

  @Test
  void rejectsFieldOfTheWrongType() {
    EncodedEvent started = codec.encode(EventExamples.of(EventType.APPLY_STARTED));
    byte[] body = mutated(started.value(), b -> b.put("attempt", "first"));

    assertThat(failure(started.headers(), body).reason()).isEqualTo(Reason.INVALID_BODY);
  }

  @Test
  void rejectsMissingPrimitiveFieldRatherThanDefaultingIt() {
    EncodedEvent started = codec.encode(EventExamples.of(EventType.APPLY_STARTED));
    byte[] body = mutated(started.value(), b -> b.remove("dryRun"));

    assertThat(failure(started.headers(), body).reason()).isEqualTo(Reason.INVALID_BODY);
  }

  @Test
  void rejectsUnknownEnumValue() {
    EncodedEvent succeeded = codec.encode(EventExamples.of(EventType.APPLY_SUCCEEDED));
    byte[] body = mutated(succeeded.value(), b -> b.put("outcome", "REPLACED"));

    assertThat(failure(succeeded.headers(), body).reason()).isEqualTo(Reason.INVALID_BODY);
  }

  @Test
  void rejectsResourceKeyUsingAReservedWord() {
    byte[] body =
        mutated(valid.value(), b -> ((ObjectNode) b.get("resource")).put("apiGroup", "core"));

    assertThat(failure(valid.headers(), body).reason()).isEqualTo(Reason.INVALID_BODY);
  }

  @Test
  void rejectsNullInsideAList() {
    byte[] body = mutated(valid.value(), b -> b.withArray("changedPaths").addNull());

    assertThat(failure(valid.headers(), body).reason()).isEqualTo(Reason.INVALID_BODY);
  }

  @Test
  void toleratesUnknownFieldsFromANewerWriterOfTheSameVersion() throws Exception {
    byte[] body = mutated(valid.value(), b -> b.put("severity", "high"));

    assertThat(codec.decode(valid.headers(), body).data())
        .isEqualTo(EventExamples.of(EventType.DRIFT_DETECTED).data());
  }

  /**
   * Every way of damaging one field of every example (removing it, nulling it, giving it another
   * JSON type) either still decodes or fails with {@link EventDecodingException}.
   */
  @ParameterizedTest
  @EnumSource(EventType.class)
  void damagedFieldsFailOnlyWithTheCheckedException(EventType type) {
    EncodedEvent encoded = codec.encode(EventExamples.of(type));
    JsonNode original = readTree(encoded.value());
    List<String> fields = new ArrayList<>();
    original.fieldNames().forEachRemaining(fields::add);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<JsonNode> replacements =
        List.of(
            nodes.nullNode(),
            nodes.numberNode(-1),
            nodes.numberNode(1e300),
            nodes.textNode(""),
            nodes.textNode("x"),
            nodes.booleanNode(true),
            nodes.objectNode(),
            nodes.arrayNode(),
            nodes.arrayNode().addNull());

    for (String field : fields) {
      decodesOrFailsChecked(encoded.headers(), mutated(encoded.value(), b -> b.remove(field)));
      for (JsonNode replacement : replacements) {
        decodesOrFailsChecked(
            encoded.headers(), mutated(encoded.value(), b -> b.set(field, replacement.deepCopy())));
      }
    }
  }

  private void decodesOrFailsChecked(List<EventHeader> headers, byte[] body) {
    Throwable thrown = catchThrowable(() -> codec.decode(headers, body));
    if (thrown != null) {
      assertThat(thrown)
          .as("decoding %s", new String(body, StandardCharsets.UTF_8))
          .isInstanceOf(EventDecodingException.class);
      assertRecordKept((EventDecodingException) thrown, headers, body);
    }
  }

  /** Decodes, asserting it fails with the checked exception that keeps the record as received. */
  private EventDecodingException failure(List<EventHeader> headers, byte[] body) {
    Throwable thrown = catchThrowable(() -> codec.decode(headers, body));
    assertThat(thrown).isInstanceOf(EventDecodingException.class);
    EventDecodingException e = (EventDecodingException) thrown;
    assertRecordKept(e, headers, body);
    return e;
  }

  private static void assertRecordKept(
      EventDecodingException e, List<EventHeader> headers, byte[] body) {
    assertThat(e.headers()).isEqualTo(headers);
    assertThat(e.rawValue()).isEqualTo(body == null ? new byte[0] : body);
  }

  private static List<EventHeader> replaced(List<EventHeader> headers, String name, String value) {
    List<EventHeader> out = new ArrayList<>();
    for (EventHeader h : headers) {
      out.add(h.name().equals(name) ? EventHeader.text(name, value) : h);
    }
    return out;
  }

  private static List<EventHeader> removed(List<EventHeader> headers, String name) {
    return headers.stream().filter(h -> !h.name().equals(name)).toList();
  }

  private static byte[] mutated(byte[] body, Consumer<ObjectNode> change) {
    ObjectNode tree = (ObjectNode) readTree(body);
    change.accept(tree);
    try {
      return EventJson.mapper().writeValueAsBytes(tree);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return EventJson.mapper().readTree(body);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
