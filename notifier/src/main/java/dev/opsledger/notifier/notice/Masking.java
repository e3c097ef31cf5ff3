package dev.opsledger.notifier.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes anything that looks like a protected Secret value from text that leaves OpsLedger.
 *
 * <p>Events already carry Secret values only sealed ({@code opsledger:sealed:v1:...}) or hashed
 * ({@code opsledger:hashed:v1:...}); a notification must not even carry those: a sealed value is
 * ciphertext that the fleet's key opens, and a chat message is kept by a third party forever.
 */
public final class Masking {

  /** What a protected value is replaced with. */
  public static final String MASK = "opsledger:***";

  private static final Pattern PROTECTED =
      Pattern.compile("opsledger:(?:sealed|hashed):v\\d+:[A-Za-z0-9_\\-:=+/]*");

  private Masking() {}

  /** The text with every sealed or hashed value replaced by {@link #MASK}; null stays null. */
  public static String mask(String text) {
    if (text == null || text.indexOf("opsledger:") < 0) {
      return text;
    }
    return PROTECTED.matcher(text).replaceAll(MASK);
  }

  /** A copy of a JSON tree with every text value masked. */
  public static JsonNode mask(JsonNode node) {
    if (node == null) {
      return null;
    }
    JsonNode copy = node.deepCopy();
    maskInPlace(copy);
    return copy;
  }

  private static void maskInPlace(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        if (child.isTextual()) {
          object.set(name, TextNode.valueOf(mask(child.asText())));
        } else {
          maskInPlace(child);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode child = array.get(i);
        if (child.isTextual()) {
          array.set(i, TextNode.valueOf(mask(child.asText())));
        } else {
          maskInPlace(child);
        }
      }
    }
  }
}
