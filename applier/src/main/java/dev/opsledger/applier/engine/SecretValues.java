package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
      plain.add(new String(bytes, StandardCharsets.UTF_8));
    }
    return new Opened(copy, plain);
  }

  /**
   * A manifest with opened values, and those values for redaction.
   *
   * <p>Each value is removed in three forms: as it is, as base64 (what the request carried), and
   * JSON-escaped (an API error that quotes the object, or a webhook that echoes it as JSON, writes
   * {@code "} as {@code \"}, a line break as {@code \n}, and so on). A form of four characters or
   * more is removed wherever it appears. A shorter one ({@code "a"}, {@code "42"}) is removed only
   * where it stands as a whole quoted token ({@code "…"}, {@code '…'} or {@code `…`}), which is how
   * an API server and an admission webhook quote a value they echo: removing every {@code a} of a
   * message would make it unreadable and tell a reader which letters the value holds.
   *
   * @param manifest the manifest to apply: never log it
   * @param values the plain values (text and base64) to remove from messages
   */
  public record Opened(ObjectNode manifest, Set<String> values) {

    /** Shorter forms are redacted only as whole quoted tokens. */
    static final int ANYWHERE = 4;

    /** The text with every form of every plain value replaced by {@code ***}. */
    public String redact(String text) {
      if (text == null || values.isEmpty()) {
        return text;
      }
      List<String> forms = forms();
      String out = text;
      for (String form : forms) {
        if (form.length() >= ANYWHERE) {
          out = out.replace(form, "***");
        }
      }
      for (String form : forms) {
        if (form.length() < ANYWHERE) {
          out = quoted(form).matcher(out).replaceAll(m -> m.group(1) + "***");
        }
      }
      return out;
    }

    /** Every form, longest first: a value inside another is replaced after the longer one. */
    private List<String> forms() {
      Set<String> forms = new HashSet<>();
      for (String v : values) {
        if (v.isEmpty()) {
          continue;
        }
        forms.add(v);
        forms.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
        String json = jsonEscaped(v);
        forms.add(json);
        // Go's encoding/json (the API server, most admission webhooks) also escapes <, > and &.
        forms.add(json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"));
      }
      forms.remove("");
      return forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static Pattern quoted(String form) {
      String q = Pattern.quote(form);
      return Pattern.compile("([\"'`])" + q + "(?=\\1)");
    }

    private static String jsonEscaped(String value) {
      String json = TextNode.valueOf(value).toString();
      return json.substring(1, json.length() - 1);
    }

    @Override
    public String toString() {
      return "Opened[" + values.size() + " values]";
    }
  }
}
