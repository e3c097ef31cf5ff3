package dev.opsledger.differ;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.opsledger.differ.normalize.IgnoreRule;
import dev.opsledger.differ.normalize.IgnoreRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads test documents: YAML manifests, JSON expectations and ignore rules. */
public final class Fixtures {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The golden cases, relative to the module directory (where Surefire runs). */
  public static final Path GOLDEN_CASES = Path.of("src", "test", "resources", "diff");

  private Fixtures() {}

  /** Parses one YAML document. */
  public static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one YAML document; a missing or empty file reads as {@code null}. */
  public static JsonNode readYaml(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode node = YAML.readTree(file.toFile());
      return node == null || node.isMissingNode() || node.isNull() ? null : node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a JSON file. */
  public static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text. */
  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a case's {@code rules.yaml}, or no rules when it has none. */
  public static IgnoreRules readRules(Path file) {
    if (!Files.exists(file)) {
      return IgnoreRules.none();
    }
    try {
      return new IgnoreRules(
          YAML.readValue(file.toFile(), new TypeReference<List<IgnoreRule>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A golden case as engine input. */
  public record Pair(String name, JsonNode desired, JsonNode live, IgnoreRules rules) {}

  /**
   * Every golden case that has a live object, read from a directory of cases.
   *
   * @param cases the directory holding one folder per case
   */
  public static List<Pair> goldenPairs(Path cases) {
    try (var dirs = Files.list(cases)) {
      return dirs.filter(Files::isDirectory)
          .sorted()
          .map(
              dir ->
                  new Pair(
                      dir.getFileName().toString(),
                      readYaml(dir.resolve("desired.yaml")),
                      readYaml(dir.resolve("live.yaml")),
                      readRules(dir.resolve("rules.yaml"))))
          .filter(pair -> pair.live() != null)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pretty JSON, for failure messages and written expectations. */
  public static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
