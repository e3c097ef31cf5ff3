package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens the sealed values of a desired {@code Secret} just before it is applied, and removes them
 * from any text that leaves the applier (API error messages).
 */
public final class SecretValues {

  private final SecretProtector protector;

  /** Uses the fleet's protector. */
  public SecretValues(SecretProtector protector) {
    this.protector = protector;
  }

  /**
   * A copy of the manifest with every sealed {@code data} value replaced by the base64 of its plain
   * value; other manifests are returned as a copy, unchanged.
   *
   * @throws IllegalArgumentException when a value cannot be opened (another fleet's key); the
   *     message holds no value
   */
  public Opened open(ObjectNode manifest) {
    ObjectNode copy = manifest.deepCopy();
    Set<String> plain = new HashSet<>();
    if (!SecretProtector.isSecret(copy) || !(copy.get("data") instanceof ObjectNode data)) {
      return new Opened(copy, plain);
    }
    List<String> names = new ArrayList<>();
    data.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode v = data.get(name);
      if (v == null || !v.isTextual() || !SecretProtector.isSealed(v.asText())) {
        continue;
      }
      byte[] bytes;
      try {
        // Bound to this Secret and key: a value sealed for another place does not open here.
        bytes = protector.unseal(v.asText(), SecretProtector.place(copy, name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Secret data." + name + ": " + e.getMessage());
      }
      String base64 = Base64.getEncoder().encodeToString(bytes);
      data.set(name, TextNode.valueOf(base64));
      plain.add(base64);
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (text.length() >= 4) {
        plain.add(text);
      }
    }
    return new Opened(copy, plain);
  }

  /**
   * A manifest with opened values, and those values for redaction.
   *
   * @param manifest the manifest to apply: never log it
   * @param values the plain values (text and base64) to remove from messages
   */
  public record Opened(ObjectNode manifest, Set<String> values) {

    /** The text with every plain value replaced by {@code ***}. */
    public String redact(String text) {
      if (text == null || values.isEmpty()) {
        return text;
      }
      String out = text;
      for (String v : values) {
        out = out.replace(v, "***");
      }
      return out;
    }

    @Override
    public String toString() {
      return "Opened[" + values.size() + " values]";
    }
  }
}
