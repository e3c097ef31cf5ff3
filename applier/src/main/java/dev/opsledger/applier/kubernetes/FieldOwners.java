package dev.opsledger.applier.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.FieldsConflicted;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who owns which field of an object, from its {@code managedFields}, and what a server-side apply
 * took or met. Pure.
 *
 * <p>A takeover is read by comparing {@code managedFields} before and after a forced apply: a field
 * another manager owned before, that it no longer owns and OpsLedger's manager now owns, was taken.
 * The applier already reads the object before every apply and gets it back from the apply, so this
 * costs no API call (a non-forced dry run first would cost one per apply).
 */
public final class FieldOwners {

  private static final Pattern MANAGER = Pattern.compile("conflict with \"([^\"]+)\"");

  private FieldOwners() {}

  /**
   * The fields other managers owned in {@code before} that {@code self} owns in {@code after} and
   * they no longer do, each with its previous owner.
   *
   * @param before {@code metadata.managedFields} before the apply (may be missing)
   * @param after {@code metadata.managedFields} the apply returned
   * @param self OpsLedger's field manager
   */
  public static List<FieldsConflicted.Field> takenOver(
      JsonNode before, JsonNode after, String self) {
    Map<String, Set<String>> owners = owned(before);
    Map<String, Set<String>> now = owned(after);
    Set<String> mine = now.getOrDefault(self, Set.of());
    List<FieldsConflicted.Field> out = new ArrayList<>();
    owners.forEach(
        (manager, fields) -> {
          if (manager.equals(self)) {
            return;
          }
          Set<String> still = now.getOrDefault(manager, Set.of());
          for (String field : fields) {
            if (mine.contains(field) && !still.contains(field)) {
              out.add(new FieldsConflicted.Field(manager, field));
            }
          }
        });
    return out;
  }

  /**
   * The fields of each manager, as paths such as {@code .spec.replicas} or {@code
   * .spec.template.spec.containers[name="web"].image}; the {@code status} subresource's entries are
   * left out (an apply never writes status).
   */
  static Map<String, Set<String>> owned(JsonNode managedFields) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (managedFields == null || !managedFields.isArray()) {
      return out;
    }
    for (JsonNode entry : managedFields) {
      if (!entry.path("subresource").asText("").isEmpty()) {
        continue;
      }
      String manager = entry.path("manager").asText("");
      if (manager.isEmpty()) {
        continue;
      }
      Set<String> fields = out.computeIfAbsent(manager, m -> new LinkedHashSet<>());
      leaves(entry.path("fieldsV1"), "", fields);
    }
    return out;
  }

  private static void leaves(JsonNode node, String path, Set<String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (".".equals(e.getKey())) {
        continue;
      }
      String child = path + segment(e.getKey());
      JsonNode value = e.getValue();
      if (value.size() == 0 || value.has(".")) {
        out.add(child);
      }
      leaves(value, child, out);
    }
  }

  /** One fieldsV1 key as the API server names it in conflict messages. */
  private static String segment(String key) {
    if (key.startsWith("f:")) {
      return "." + key.substring(2);
    }
    if (key.startsWith("k:")) {
      return keyed(key.substring(2));
    }
    if (key.startsWith("v:")) {
      return "[=" + key.substring(2) + "]";
    }
    if (key.startsWith("i:")) {
      return "[" + key.substring(2) + "]";
    }
    return "." + key;
  }

  private static String keyed(String json) {
    try {
      JsonNode keys = dev.opsledger.events.EventJson.mapper().readTree(json);
      List<String> parts = new ArrayList<>();
      keys.fields().forEachRemaining(k -> parts.add(k.getKey() + "=" + k.getValue().toString()));
      return "[" + String.join(",", parts) + "]";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "[" + json + "]";
    }
  }

  /** The manager a conflict cause names ({@code conflict with "hpa" using apps/v1}), or empty. */
  static Optional<String> managerIn(String causeMessage) {
    if (causeMessage == null) {
      return Optional.empty();
    }
    Matcher m = MANAGER.matcher(causeMessage);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Removes a field named like {@code .spec.replicas} from the manifest, so that an apply without
   * force leaves it to its owner. Only plain field paths can be removed: one into a list ({@code
   * [...]}) cannot, and answers {@code false}.
   */
  static boolean remove(ObjectNode manifest, String path) {
    if (path == null || !path.startsWith(".") || path.contains("[")) {
      return false;
    }
    String[] parts = path.substring(1).split("\\.");
    JsonNode node = manifest;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.get(parts[i]);
      if (node == null || !node.isObject()) {
        return false;
      }
    }
    return ((ObjectNode) node).remove(parts[parts.length - 1]) != null;
  }
}
