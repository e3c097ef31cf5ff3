package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.Path;
import org.junit.jupiter.api.Test;

/** The pointers a manifest's ignore-differences annotation lists, and the ones it may not. */
class AnnotatedIgnoreRulesTest {

  static final ManifestRef WEB = new ManifestRef("", "v1", "ConfigMap", "shop", "web");
  static final ManifestRef OTHER = new ManifestRef("", "v1", "ConfigMap", "shop", "other");

  static ObjectNode annotated(String value) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.putObject("metadata")
        .putObject("annotations")
        .put(AnnotatedIgnoreRules.IGNORE_DIFFERENCES, value);
    return m;
  }

  @Test
  void readsPointersOnePerLineCommaSeparatedOrAsAJsonArray() throws Exception {
    assertThat(AnnotatedIgnoreRules.pointers(TextNode.valueOf("/a\n/b/c\n\n")))
        .containsExactly("/a", "/b/c");
    assertThat(AnnotatedIgnoreRules.pointers(TextNode.valueOf("/a, /b/*")))
        .containsExactly("/a", "/b/*");
    assertThat(AnnotatedIgnoreRules.pointers(TextNode.valueOf("[\"/a\", \"/b~1c\"]")))
        .containsExactly("/a", "/b~1c");
  }

  @Test
  void theAnnotationsPointersApplyToItsOwnResourceOnly() throws Exception {
    IgnoreRules rules =
        AnnotatedIgnoreRules.forManifest(IgnoreRules.none(), WEB, annotated("/data/farewell"));

    assertThat(rules.pathsFor(WEB)).contains(Path.parse("/data/farewell"));
    assertThat(rules.pathsFor(OTHER)).doesNotContain(Path.parse("/data/farewell"));
  }

  @Test
  void opsledgersInstructionAnnotationsAreNeverCompared() throws Exception {
    IgnoreRules rules =
        AnnotatedIgnoreRules.forManifest(
            IgnoreRules.none(), WEB, JsonNodeFactory.instance.objectNode());

    assertThat(rules.pathsFor(WEB))
        .contains(
            Path.parse("/metadata/annotations/opsledger.dev~1ignore-differences"),
            Path.parse("/metadata/annotations/opsledger.dev~1sync-policy"));
  }

  @Test
  void aMalformedPointerMakesTheResourceNotComparableAndSaysWhich() {
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(TextNode.valueOf("/a,spec/replicas")))
        .isInstanceOf(NotComparableException.class)
        .hasMessage(
            "annotation opsledger.dev/ignore-differences: 'spec/replicas' is not a JSON pointer"
                + " (it must start with '/')");
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(TextNode.valueOf("/a~2b")))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("'/a~2b'");
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(TextNode.valueOf("[\"/a\", 3]")))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("NUMBER");
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(TextNode.valueOf("[\"/a\"")))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("not a JSON array");
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(JsonNodeFactory.instance.numberNode(1)))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("not text");
  }

  @Test
  void aHugeMalformedPointerIsShownCut() {
    String huge = "x".repeat(10_000);
    assertThatThrownBy(() -> AnnotatedIgnoreRules.pointers(TextNode.valueOf(huge)))
        .isInstanceOf(NotComparableException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }
}
