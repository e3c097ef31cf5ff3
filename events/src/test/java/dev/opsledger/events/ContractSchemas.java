package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the contract's JSON Schemas the way a subscriber would: by their {@code $id}, which is the
 * {@code ce_dataschema} of the events they describe. {@code urn:opsledger:schema:<name>:<v>} maps
 * to the classpath file {@code schemas/<name>.v<v>.json}, which is also how the {@code $ref}s to
 * the shared definitions resolve.
 */
final class ContractSchemas {

  private static final Pattern URN = Pattern.compile("urn:opsledger:schema:([^:#]+):(\\d+)");

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder ->
              builder.schemaMappers(
                  mappers ->
                      mappers.mappings(
                          iri -> {
                            Matcher m = URN.matcher(iri);
                            return m.matches()
                                ? "classpath:schemas/" + m.group(1) + ".v" + m.group(2) + ".json"
                                : null;
                          })));

  // Draft 2020-12 makes "format" an annotation by default; the contract means date-time strictly.
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private ContractSchemas() {}

  /** The schema of a type at a version, loaded by its {@code $id}. */
  static JsonSchema schema(EventType type, int version) {
    return FACTORY.getSchema(SchemaLocation.of(type.dataSchema(version)), CONFIG);
  }

  /** The schema of a type's current version. */
  static JsonSchema schema(EventType type) {
    return schema(type, type.version());
  }

  /** Validates a body against the current schema of its type. */
  static Set<ValidationMessage> validate(EventType type, JsonNode body) {
    return schema(type).validate(body);
  }

  /** The raw schema document at a classpath resource, e.g. {@link EventType#schemaResource()}. */
  static JsonNode document(String resource) {
    try (InputStream in = ContractSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no schema at " + resource);
      }
      return EventJson.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
