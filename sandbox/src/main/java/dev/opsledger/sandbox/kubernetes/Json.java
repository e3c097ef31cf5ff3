package dev.opsledger.sandbox.kubernetes;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The emulator's JSON and YAML trees (fabric8's shared mappers are deprecated for callers). */
final class Json {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private Json() {}

  /** Parses JSON. */
  static JsonNode read(String json) {
    return JSON.readTree(json);
  }

  /** Parses YAML (JSON is YAML too). */
  static JsonNode readYaml(String yaml) {
    return YAML.readTree(yaml);
  }

  /** A new empty object. */
  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Indented JSON. */
  static String pretty(JsonNode node) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }
}
