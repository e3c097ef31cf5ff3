package dev.opsledger.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON: object members sorted by name at every depth, no insignificant whitespace. Two
 * manifests that mean the same document have the same canonical form and so the same content hash,
 * whichever file layout or key order they were written in.
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  /** A deep copy of {@code node} with every object's members sorted by name. */
  public static JsonNode canonicalize(JsonNode node) {
    if (node == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        out.set(name, canonicalize(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        out.add(canonicalize(it.next()));
      }
      return out;
    }
    return node.deepCopy();
  }

  /** The canonical text of a node. */
  public static String write(JsonNode node) {
    try {
      return EventJson.mapper().writeValueAsString(canonicalize(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** {@code sha256:<hex>} of the canonical text of a node. */
  public static String hash(JsonNode node) {
    return "sha256:" + sha256Hex(write(node).getBytes(StandardCharsets.UTF_8));
  }

  /** The lowercase hex SHA-256 of some bytes. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Whether two nodes are the same document, ignoring member order. */
  public static boolean sameDocument(JsonNode a, JsonNode b) {
    return write(a).equals(write(b));
  }
}
