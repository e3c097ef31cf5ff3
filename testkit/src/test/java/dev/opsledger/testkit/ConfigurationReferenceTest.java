package dev.opsledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationReferenceTest {

  /** A list element as a service would declare it (no Spring here: no defaults to read). */
  public record Item(String name, List<String> tags) {}

  @TempDir Path dir;

  Path metadata() throws IOException {
    return Files.writeString(
        dir.resolve("metadata.json"),
        """
        {"properties": [
          {"name": "opsledger.demo.timeout", "type": "java.time.Duration",
           "description": "How long.", "defaultValue": "30s"},
          {"name": "opsledger.demo.factor", "type": "java.lang.Double",
           "description": "How much.", "defaultValue": 2},
          {"name": "opsledger.demo.kinds", "type": "java.util.List<java.lang.String>",
           "description": "Which kinds.", "defaultValue": ["a", "b"]},
          {"name": "opsledger.demo.items",
           "type": "java.util.List<dev.opsledger.testkit.ConfigurationReferenceTest$Item>",
           "description": "The items."},
          {"name": "opsledger.demo.undocumented", "type": "java.lang.String"},
          {"name": "opsledger.other.ignored", "type": "java.lang.String", "description": "x"}
        ]}
        """);
  }

  Path readme(String rows) throws IOException {
    return Files.writeString(
        dir.resolve("README.md"),
        "# demo\n\n## Configuration (`opsledger.demo.*`)\n\n"
            + "| property | default | meaning |\n| --- | --- | --- |\n"
            + rows
            + "\n## Next\n");
  }

  @Test
  void acceptsATableThatListsEveryBoundPropertyWithItsDefault() throws IOException {
    Path readme =
        readme(
            """
            | `timeout` | `30s` | how long |
            | `factor` | `2.0` | how much |
            | `kinds` | `a, b` | which kinds |
            | `items[i].name`, `items[].tags` | — | the items |
            | `{undocumented}` | unset | no Javadoc |
            """);
    assertThat(ConfigurationReference.differences(readme, metadata(), "opsledger.demo"))
        .containsExactly(
            "opsledger.demo.undocumented has no description: give its record component a @param");
  }

  @Test
  void namesMissingAndUnboundPropertiesAndWrongDefaults() throws IOException {
    Path readme =
        readme(
            """
            | `timeout` | `10s` | how long |
            | `factor` | `2` | how much |
            | `kinds` | empty | which kinds |
            | `items[].name` | `x` | the items |
            | `undocumented` | — | no Javadoc |
            | `renamed` | — | was bound once |
            """);
    assertThat(ConfigurationReference.differences(readme, metadata(), "opsledger.demo"))
        .contains(
            "opsledger.demo.timeout: the default is `30s` but the README says '`10s`'",
            "opsledger.demo.kinds: the default is `a, b` but the README says 'empty'",
            "opsledger.demo.items[].name: the README gives the default `x` but the code has none",
            "opsledger.demo.items[].tags is bound but not in the README",
            "opsledger.demo.renamed is in the README but not bound")
        .noneMatch(p -> p.contains("factor") || p.contains("opsledger.other"));
  }
}
