package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas subscribers in other languages rely on describe exactly what the codec writes:
 * every example validates, and bodies that break the contract do not.
 */
class SchemaValidationTest {

  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  private final EventCodec codec = new EventCodec();

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyExampleValidatesAgainstItsSchema(EventType type) {
    JsonNode body = body(EventExamples.of(type));

    assertThat(ContractSchemas.validate(type, body)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void examplesWithOptionalFieldsAbsentValidateToo(EventEnvelope<?> variant) {
    assertThat(ContractSchemas.validate(variant.type(), body(variant))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void schemaFileSitsWhereTheTypeSaysAndIsIdentifiedByItsDataSchema(EventType type) {
    JsonNode schema = ContractSchemas.document(type.schemaResource());

    assertThat(schema.path("$schema").asText()).isEqualTo(DRAFT_2020_12);
    assertThat(schema.path("$id").asText()).isEqualTo(type.dataSchema(type.version()));
    assertThat(schema.path("title").asText()).contains(type.ceType()).isNotBlank();
    assertThat(schema.path("description").asText()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void schemaListsExactlyTheRecordComponentsAndRequiresThemAll(EventType type) {
    JsonNode schema = ContractSchemas.document(type.schemaResource());
    Set<String> components = new TreeSet<>();
    for (RecordComponent c : type.recordClass().getRecordComponents()) {
      components.add(c.getName());
    }

    assertThat(fieldNames(schema.path("properties"))).isEqualTo(components);
    assertThat(textValues(schema.path("required"))).isEqualTo(components);
    assertThat(schema.path("additionalProperties").isBoolean()).isTrue();
    assertThat(schema.path("additionalProperties").asBoolean()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyPropertyIsDescribedForSubscribers(EventType type) {
    JsonNode properties = ContractSchemas.document(type.schemaResource()).path("properties");

    properties
        .properties()
        .forEach(
            p ->
                assertThat(p.getValue().path("description").asText())
                    .as("description of %s.%s", type.ceType(), p.getKey())
                    .isNotBlank());
  }

  @Test
  void applyEnumsInSchemasMatchTheJavaEnums() {
    JsonNode started = ContractSchemas.document(EventType.APPLY_STARTED.schemaResource());
    JsonNode succeeded = ContractSchemas.document(EventType.APPLY_SUCCEEDED.schemaResource());

    assertThat(textValues(started.path("properties").path("action").path("enum")))
        .isEqualTo(names(ApplyAction.values()));
    assertThat(textValues(succeeded.path("properties").path("outcome").path("enum")))
        .isEqualTo(names(ApplyOutcome.values()));
  }

  @Test
  void sharedDefinitionsHaveTitleAndDescription() {
    JsonNode common = ContractSchemas.document("/schemas/dev.opsledger.common.v1.json");

    assertThat(common.path("$id").asText())
        .isEqualTo("urn:opsledger:schema:dev.opsledger.common:1");
    assertThat(common.path("title").asText()).isNotBlank();
    assertThat(common.path("description").asText()).isNotBlank();
    common
        .path("$defs")
        .properties()
        .forEach(
            d ->
                assertThat(d.getValue().path("description").asText())
                    .as("description of $defs/%s", d.getKey())
                    .isNotBlank());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenBodies")
  void bodyThatBreaksTheContractFailsValidation(EventType type, Consumer<ObjectNode> breakIt) {
    ObjectNode body = (ObjectNode) body(EventExamples.of(type));
    breakIt.accept(body);

    Set<ValidationMessage> errors = ContractSchemas.validate(type, body);

    assertThat(errors).isNotEmpty();
  }

  @Test
  void version1FixtureValidatesAgainstTheVersion1Schema() throws IOException {
    JsonNode v1 = fixture("/fixtures/commit-observed-v1.json");

    assertThat(ContractSchemas.schema(EventType.COMMIT_OBSERVED, 1).validate(v1)).isEmpty();
  }

  @Test
  void version1FixtureIsNotAValidVersion2Body() throws IOException {
    JsonNode v1 = fixture("/fixtures/commit-observed-v1.json");

    assertThat(ContractSchemas.schema(EventType.COMMIT_OBSERVED, 2).validate(v1))
        .extracting(ValidationMessage::getInstanceLocation)
        .map(Object::toString)
        .contains("/author", "/committer");
  }

  @Test
  void upcastVersion1FixtureValidatesAgainstTheCurrentSchema() throws IOException {
    ObjectNode v1 = (ObjectNode) fixture("/fixtures/commit-observed-v1.json");

    ObjectNode v2 = Upcasters.standard().upcast(EventType.COMMIT_OBSERVED, 1, v1);

    assertThat(ContractSchemas.validate(EventType.COMMIT_OBSERVED, v2)).isEmpty();
  }

  static Stream<Arguments> variants() {
    return EventExamples.variants().stream()
        .map(e -> Arguments.of(Named.of(e.type() + " " + e.id(), e)));
  }

  static Stream<Arguments> brokenBodies() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(
        broken(
            "missing required field",
            EventType.DESIRED_STATE_CHANGED,
            b -> b.remove("contentHash")));
    cases.add(broken("wrong type", EventType.APPLY_STARTED, b -> b.put("attempt", "1")));
    cases.add(
        broken(
            "boolean as string", EventType.OBSERVED_STATE_CHANGED, b -> b.put("managed", "true")));
    cases.add(
        broken(
            "null where not nullable", EventType.OBSERVED_STATE_CHANGED, b -> b.putNull("live")));
    cases.add(
        broken("unknown property", EventType.RESOURCE_MISSING, b -> b.put("severity", "high")));
    cases.add(
        broken("blank required text", EventType.COMMIT_OBSERVED, b -> b.put("sourceId", " ")));
    cases.add(
        broken("not a date-time", EventType.DRIFT_DETECTED, b -> b.put("detectedAt", "yesterday")));
    cases.add(
        broken(
            "epoch number as time",
            EventType.APPLY_SKIPPED,
            b -> b.put("skippedAt", 1710408421589L)));
    cases.add(
        broken("unknown apply action", EventType.APPLY_STARTED, b -> b.put("action", "REPLACE")));
    cases.add(
        broken(
            "unknown apply outcome", EventType.APPLY_SUCCEEDED, b -> b.put("outcome", "patched")));
    cases.add(
        broken(
            "content hash not sha256",
            EventType.OBSERVED_STATE_CHANGED,
            b -> b.put("contentHash", "md5:abc")));
    cases.add(
        broken(
            "patch op unknown",
            EventType.DRIFT_DETECTED,
            b -> ((ObjectNode) b.withArray("patch").get(0)).put("op", "merge")));
    cases.add(broken("patch not an array", EventType.DRIFT_DETECTED, b -> b.putObject("patch")));
    cases.add(
        broken(
            "manifest not an object",
            EventType.DESIRED_STATE_CHANGED,
            b -> b.putArray("manifest")));
    cases.add(
        broken(
            "resource key as text",
            EventType.RESOURCE_IN_SYNC,
            b -> b.put("resource", EventExamples.DEPLOYMENT.toString())));
    cases.add(
        broken(
            "resource key core group",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).put("apiGroup", "core")));
    cases.add(
        broken(
            "resource key cluster scope as _",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).put("namespace", "_")));
    cases.add(
        broken(
            "resource key with slash",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).put("name", "a/b")));
    cases.add(
        broken(
            "resource key empty kind",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).put("kind", "")));
    cases.add(
        broken(
            "resource key missing namespace",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).remove("namespace")));
    cases.add(
        broken(
            "resource key extra field",
            EventType.RESOURCE_IN_SYNC,
            b -> resource(b).put("clusterScoped", false)));
    cases.add(
        broken(
            "person as text",
            EventType.COMMIT_OBSERVED,
            b -> b.put("author", "Ada Lovelace <ada@example.com>")));
    cases.add(
        broken(
            "person missing email",
            EventType.COMMIT_OBSERVED,
            b -> ((ObjectNode) b.get("author")).remove("email")));
    cases.add(
        broken(
            "pull request number zero",
            EventType.COMMIT_OBSERVED,
            b -> ((ObjectNode) b.get("pullRequest")).put("number", 0)));
    cases.add(broken("list as null", EventType.COMMIT_OBSERVED, b -> b.putNull("parents")));
    cases.add(
        broken(
            "rejected commit without errors",
            EventType.COMMIT_REJECTED,
            b -> b.putArray("errors")));
    cases.add(
        broken(
            "approval of nothing",
            EventType.SYNC_APPROVED,
            b -> b.putNull("resource").putNull("revision")));
    cases.add(
        broken("approval without approver", EventType.SYNC_APPROVED, b -> b.putNull("approvedBy")));
    cases.add(
        broken(
            "fractional attempt count",
            EventType.NOTIFICATION_FAILED,
            b -> b.put("attempts", 2.5)));
    return cases.stream();
  }

  private static Arguments broken(String name, EventType type, Consumer<ObjectNode> breakIt) {
    return Arguments.of(Named.of(type.ceType() + ": " + name, type), breakIt);
  }

  private static ObjectNode resource(ObjectNode body) {
    return (ObjectNode) body.get("resource");
  }

  private JsonNode body(EventEnvelope<?> envelope) {
    try {
      return EventJson.mapper().readTree(codec.encode(envelope).value());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode fixture(String resource) throws IOException {
    try (InputStream in = SchemaValidationTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return EventJson.mapper().readTree(in);
    }
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> textValues(JsonNode array) {
    Set<String> values = new TreeSet<>();
    ((ArrayNode) array).forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Set<String> names(Enum<?>[] values) {
    Set<String> names = new TreeSet<>();
    Arrays.stream(values).forEach(v -> names.add(v.name()));
    return names;
  }
}
