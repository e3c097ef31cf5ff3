package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A working copy of the live object restricted to the members the desired manifest sets.
 *
 * <p>The diff is one-way, so no step ever reads a live member the manifest does not set; copying
 * only those keeps the cost proportional to the manifest rather than to the live object (whose
 * {@code managedFields} and {@code status} are often most of it). Lists are copied whole, so that
 * items keep the indices they have in the live object.
 */
final class Projection {

  private Projection() {}

  /** The live object's members that the desired object sets, recursively; lists whole. */
  static ObjectNode of(JsonNode desired, JsonNode live) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : desired.properties()) {
      JsonNode l = live.get(e.getKey());
      if (l == null) {
        continue;
      }
      JsonNode d = e.getValue();
      out.set(e.getKey(), d.isObject() && l.isObject() ? of(d, l) : l.deepCopy());
    }
    return out;
  }
}
