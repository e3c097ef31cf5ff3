package dev.opsledger.differ.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.opsledger.differ.normalize.Comparison;
import dev.opsledger.differ.normalize.ServerSetFieldsNormalizer;
import dev.opsledger.differ.tree.ListKeys;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.Pairing;
import dev.opsledger.differ.tree.Path;
import java.util.List;
import java.util.Map;

/**
 * The unified diff people read: the live object and the desired manifest as YAML, both restricted
 * to the fields the manifest sets and in the manifest's order (named list items included), with
 * Secret values masked ({@link SecretMask}).
 *
 * <p>Because both sides are normalised and shaped alike, every changed line is a real difference:
 * no {@code managedFields}, no defaulted fields, no reordered containers.
 */
final class ReadableDiff {

  private static final int CONTEXT_LINES = 3;

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          // Keep "8080" and 8080 apart in the text people read: the type is part of the value.
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

  private ReadableDiff() {}

  /** The unified diff of a normalised comparison, live to desired. */
  static String render(Comparison comparison) {
    return render(comparison, List.of(), null);
  }

  /**
   * The unified diff of a normalised comparison, live to desired, with the fields at {@code
   * removed} (live pointers; their parents are fields the manifest sets) shown on the live side
   * only, after the fields the manifest sets.
   *
   * @param observedLive the live object as observed, where the removed values are read
   */
  static String render(Comparison comparison, List<Path> removed, JsonNode observedLive) {
    ManifestRef ref = comparison.ref();
    ObjectNode desiredView = comparison.desired().deepCopy();
    Removed extra = new Removed(removed, observedLive);
    ObjectNode liveView =
        (ObjectNode) shape(ref, Path.root(), Path.root(), desiredView, comparison.live(), extra);
    SecretMask.mask(desiredView, liveView);
    String name = ref.apiVersion() + " " + ref.kind() + " " + qualifiedName(ref);
    return UnifiedDiff.of(
        "live " + name, "desired " + name, lines(liveView), lines(desiredView), CONTEXT_LINES);
  }

  private static String qualifiedName(ManifestRef ref) {
    return ref.namespace().isEmpty() ? ref.name() : ref.namespace() + "/" + ref.name();
  }

  /**
   * The live value restricted to what the desired one sets, in the desired order, followed by the
   * removed fields directly below it.
   */
  private static JsonNode shape(
      ManifestRef ref, Path path, Path livePath, JsonNode desired, JsonNode live, Removed removed) {
    if (desired instanceof ObjectNode d && live instanceof ObjectNode l) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : d.properties()) {
        JsonNode lv = l.get(e.getKey());
        if (lv != null) {
          out.set(
              e.getKey(),
              shape(
                  ref,
                  path.member(e.getKey()),
                  livePath.member(e.getKey()),
                  e.getValue(),
                  lv,
                  removed));
        }
      }
      for (Path r : removed.below(livePath)) {
        out.set(r.memberName(), removed.value(r));
      }
      return out;
    }
    if (desired instanceof ArrayNode d && live instanceof ArrayNode l) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      Pairing pairing = pairing(ref, path, d, l);
      if (pairing.keyed()) {
        for (int i = 0; i < d.size(); i++) {
          int li = pairing.liveIndexOf(i);
          if (li >= 0) {
            out.add(shape(ref, path.index(i), livePath.index(li), d.get(i), l.get(li), removed));
          }
        }
        for (Path r : removed.below(livePath)) {
          out.add(removed.value(r));
        }
      } else {
        for (int i = 0; i < l.size(); i++) {
          out.add(
              i < d.size()
                  ? shape(ref, path.index(i), livePath.index(i), d.get(i), l.get(i), removed)
                  : l.get(i));
        }
      }
      return out;
    }
    return live.deepCopy();
  }

  /** The removed fields, by live pointer, with their observed values. */
  private record Removed(List<Path> paths, JsonNode observed) {

    List<Path> below(Path parent) {
      return paths.stream().filter(p -> !p.isRoot() && p.parent().equals(parent)).toList();
    }

    JsonNode value(Path path) {
      JsonNode value = observed.at(path.pointer()).deepCopy();
      if (value instanceof ObjectNode annotations
          && "/metadata/annotations".equals(path.pointer())) {
        // the last-applied annotation can hold a Secret's plain values
        annotations.remove(ServerSetFieldsNormalizer.SERVER_ANNOTATIONS);
      }
      return value;
    }
  }

  private static Pairing pairing(ManifestRef ref, Path path, ArrayNode d, ArrayNode l) {
    try {
      return ListKeys.pair(ref, path, d, l);
    } catch (NotComparableException e) {
      // The diff already paired these lists successfully; pairing is deterministic.
      throw new IllegalStateException(e.reason(), e);
    }
  }

  private static List<String> lines(JsonNode node) {
    try {
      return YAML.writeValueAsString(node).lines().toList();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
