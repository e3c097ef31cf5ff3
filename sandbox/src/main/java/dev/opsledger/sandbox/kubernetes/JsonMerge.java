package dev.opsledger.sandbox.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pure merges of JSON documents: RFC 7386 JSON merge patch, and strategic merge patch reduced to
 * it.
 *
 * <p>Strategic merge patch is emulated as a JSON merge patch: maps merge key by key, a {@code null}
 * removes a key, and every list in the patch <em>replaces</em> the live list (the API server would
 * merge lists of objects by their patch merge key, e.g. containers by {@code name}; that is not
 * emulated). Directives: {@code $patch: delete} removes the map that carries it, {@code $patch:
 * replace} replaces it instead of merging; list items that carry {@code $patch} are dropped; other
 * {@code $}-keys ({@code $setElementOrder/…}, {@code $retainKeys}, {@code
 * $deleteFromPrimitiveList/…}) are ignored.
 */
final class JsonMerge {

  private JsonMerge() {}

  /** Applies an RFC 7386 merge patch to a copy of {@code target}. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    return merge(target, patch, false);
  }

  /** Applies a strategic merge patch to a copy of {@code target}, as described above. */
  static JsonNode strategicMergePatch(JsonNode target, JsonNode patch) {
    return merge(target, patch, true);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic) {
    if (!patch.isObject()) {
      return strategic ? clean(patch) : patch.deepCopy();
    }
    String directive = strategic ? patch.path("$patch").asString("") : "";
    if (directive.equals("replace")) {
      return clean(patch);
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (strategic && key.startsWith("$")) {
        continue;
      }
      if (value.isNull() || (strategic && isDeleteDirective(value))) {
        result.remove(key);
      } else {
        result.set(key, merge(result.get(key), value, strategic));
      }
    }
    return result;
  }

  private static boolean isDeleteDirective(JsonNode value) {
    return value.isObject() && "delete".equals(value.path("$patch").asString(""));
  }

  /** A copy without strategic directives and without nulls, for values that replace. */
  private static JsonNode clean(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!field.getKey().startsWith("$") && !field.getValue().isNull()) {
          copy.set(field.getKey(), clean(field.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      for (JsonNode item : node) {
        if (!(item.isObject() && item.has("$patch"))) {
          items.add(clean(item));
        }
      }
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      copy.addAll(items);
      return copy;
    }
    return node.deepCopy();
  }
}
