package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opsledger.events.SecretProtector;
import java.util.Map;

/**
 * Replaces Secret values with markers in the two views a readable diff is made of, so that neither
 * a plain value nor a sealed or hashed one is ever printed, while a reader still sees which values
 * changed.
 *
 * <p>In a {@code Secret}'s {@code data}, the live view shows {@link #SECRET} for every value; the
 * desired view shows {@link #SECRET} for a value that matches, {@link #CHANGED} for one that
 * differs, {@link #ADDED} for one the live object lacks. Anywhere else, a sealed or hashed value
 * shows as {@link #SECRET}.
 */
final class SecretMask {

  /** A Secret value, unchanged or on the live side. */
  static final String SECRET = "<secret>";

  /** A desired Secret value that differs from the live one. */
  static final String CHANGED = "<secret changed>";

  /** A desired Secret value the live object lacks. */
  static final String ADDED = "<secret added>";

  private SecretMask() {}

  /** Masks both views in place. */
  static void mask(ObjectNode desiredView, ObjectNode liveView) {
    if (SecretProtector.isSecret(desiredView)) {
      maskSecretData(desiredView, liveView);
    }
    maskProtected(desiredView);
    maskProtected(liveView);
  }

  private static void maskSecretData(ObjectNode desiredView, ObjectNode liveView) {
    JsonNode liveData = liveView.get("data");
    for (String section : new String[] {"data", "stringData"}) {
      if (!(desiredView.get(section) instanceof ObjectNode data)) {
        continue;
      }
      for (Map.Entry<String, JsonNode> e : data.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        JsonNode live = liveData == null ? null : liveData.get(e.getKey());
        String marker;
        if (live == null || live.isNull()) {
          marker = ADDED;
        } else {
          marker = live.equals(e.getValue()) ? SECRET : CHANGED;
        }
        e.setValue(TextNode.valueOf(marker));
      }
    }
    if (liveData instanceof ObjectNode data) {
      for (Map.Entry<String, JsonNode> e : data.properties()) {
        if (!e.getValue().isNull()) {
          e.setValue(TextNode.valueOf(SECRET));
        }
      }
    }
  }

  private static void maskProtected(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        if (isProtected(e.getValue())) {
          e.setValue(TextNode.valueOf(SECRET));
        } else {
          maskProtected(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (isProtected(arr.get(i))) {
          arr.set(i, TextNode.valueOf(SECRET));
        } else {
          maskProtected(arr.get(i));
        }
      }
    }
  }

  private static boolean isProtected(JsonNode node) {
    return node.isTextual()
        && (SecretProtector.isSealed(node.asText())
            || node.asText().startsWith(SecretProtector.HASHED_PREFIX));
  }
}
