package dev.opsledger.sandbox.kubernetes;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pure bookkeeping of {@code metadata.managedFields}, as far as the emulator tracks it.
 *
 * <p>Field sets use the API server's {@code FieldsV1} encoding ({@code {"f:spec": {"f:replicas":
 * {}}}}) with two simplifications: lists are owned as a whole ({@code "f:ports": {}}, never {@code
 * k:}/{@code v:} items), and there are no {@code "."} markers. An {@code Apply} entry holds the
 * fields of its manager's last applied configuration (what it left out since was removed from the
 * object, see {@link #noLongerApplied}); an {@code Update} entry accumulates the fields its manager
 * set with create, update or patch. Fields an {@code Update} sets, or a forced {@code Apply} sets,
 * are taken away from the other managers; an {@code Apply} without force shares them (the API
 * server would report a conflict when the values differ; the emulator never does).
 */
final class ManagedFields {

  /** Metadata fields the server owns; they never appear in a field set. */
  private static final Set<String> SERVER_METADATA =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "managedFields",
          "selfLink");

  private ManagedFields() {}

  /**
   * The fields an object sets: every leaf except {@code apiVersion}, {@code kind} and server-owned
   * metadata.
   */
  static ObjectNode fieldsOf(JsonNode object) {
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String key = field.getKey();
      if (key.equals("apiVersion") || key.equals("kind")) {
        continue;
      }
      if (key.equals("metadata")) {
        ObjectNode metadata = metadataFields(field.getValue());
        if (!metadata.isEmpty()) {
          fields.set("f:metadata", metadata);
        }
        continue;
      }
      fields.set("f:" + key, leafOrObject(field.getValue()));
    }
    return fields;
  }

  private static ObjectNode metadataFields(JsonNode metadata) {
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : metadata.properties()) {
      if (!SERVER_METADATA.contains(field.getKey())) {
        fields.set("f:" + field.getKey(), leafOrObject(field.getValue()));
      }
    }
    return fields;
  }

  private static ObjectNode leafOrObject(JsonNode value) {
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        if (!field.getValue().isNull()) {
          fields.set("f:" + field.getKey(), leafOrObject(field.getValue()));
        }
      }
    }
    return fields;
  }

  /** The fields a merge patch sets (its non-null leaves). */
  static ObjectNode fieldsOfPatch(JsonNode patch) {
    return fieldsOf(withoutNulls(patch));
  }

  private static JsonNode withoutNulls(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isNull() && !field.getKey().startsWith("$")) {
        copy.set(field.getKey(), withoutNulls(field.getValue()));
      }
    }
    return copy;
  }

  /** The fields that are new or different in {@code after} compared to {@code before}. */
  static ObjectNode changedFields(JsonNode before, JsonNode after) {
    return fieldsOf(
        changes(before == null ? JsonNodeFactory.instance.objectNode() : before, after));
  }

  private static JsonNode changes(JsonNode before, JsonNode after) {
    ObjectNode changed = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : after.properties()) {
      JsonNode old = before.get(field.getKey());
      JsonNode value = field.getValue();
      if (Objects.equals(old, value)) {
        continue;
      }
      if (value.isObject() && old != null && old.isObject()) {
        JsonNode nested = changes(old, value);
        if (!nested.isEmpty()) {
          changed.set(field.getKey(), nested);
        }
      } else {
        changed.set(field.getKey(), value);
      }
    }
    return changed;
  }

  /**
   * The managed-fields list after {@code manager} set {@code fields}.
   *
   * @param existing the current {@code metadata.managedFields} (may be missing)
   * @param entry the new entry's identity and fields
   * @param takeOwnership whether the fields are taken away from the other managers
   */
  static ArrayNode record(JsonNode existing, Entry entry, boolean takeOwnership) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    ObjectNode fields = entry.fields().deepCopy();
    boolean replaced = false;
    for (JsonNode current : existing == null ? JsonNodeFactory.instance.arrayNode() : existing) {
      if (!current.isObject()) {
        continue;
      }
      if (entry.sameIdentity(current)) {
        if (entry.operation().equals("Update")) {
          union(fields, current.path("fieldsV1"));
        }
        if (!fields.isEmpty()) {
          result.add(entry.toJson(fields));
        }
        replaced = true;
        continue;
      }
      ObjectNode other = (ObjectNode) current.deepCopy();
      if (takeOwnership && other.path("fieldsV1").isObject()) {
        subtract((ObjectNode) other.get("fieldsV1"), entry.fields());
        if (other.get("fieldsV1").isEmpty()) {
          continue;
        }
      }
      result.add(other);
    }
    if (!replaced && !fields.isEmpty()) {
      result.add(entry.toJson(fields));
    }
    return result;
  }

  /**
   * The fields {@code entry}'s manager applied last time and leaves out now, less those another
   * manager also owns: what server-side apply removes from the object.
   *
   * @param existing the current {@code metadata.managedFields} (may be missing)
   * @param entry the manager's new {@code Apply} entry
   */
  static ObjectNode noLongerApplied(JsonNode existing, Entry entry) {
    ObjectNode gone = JsonNodeFactory.instance.objectNode();
    ObjectNode others = JsonNodeFactory.instance.objectNode();
    for (JsonNode current : existing == null ? JsonNodeFactory.instance.arrayNode() : existing) {
      if (!current.path("fieldsV1").isObject()) {
        continue;
      }
      if (entry.sameIdentity(current)) {
        union(gone, current.get("fieldsV1"));
      } else {
        union(others, current.get("fieldsV1"));
      }
    }
    subtract(gone, entry.fields());
    subtract(gone, others);
    return gone;
  }

  /** Adds every field of {@code other} to {@code fields}. */
  static void union(ObjectNode fields, JsonNode other) {
    for (Map.Entry<String, JsonNode> field : other.properties()) {
      JsonNode mine = fields.get(field.getKey());
      if (mine == null) {
        fields.set(field.getKey(), field.getValue().deepCopy());
      } else if (mine.isObject() && !mine.isEmpty() && field.getValue().isObject()) {
        if (field.getValue().isEmpty()) {
          // the other set owns the whole subtree as a leaf; mine owns parts: keep the parts
          continue;
        }
        union((ObjectNode) mine, field.getValue());
      }
    }
  }

  /**
   * Removes from {@code fields} every field of {@code taken}; a subtree left without fields is
   * removed too.
   */
  static void subtract(ObjectNode fields, JsonNode taken) {
    Iterator<Map.Entry<String, JsonNode>> it = fields.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode takenField = taken.get(field.getKey());
      if (takenField == null) {
        continue;
      }
      if (takenField.isEmpty() || field.getValue().isEmpty()) {
        it.remove();
        continue;
      }
      subtract((ObjectNode) field.getValue(), takenField);
      if (field.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  /**
   * One managed-fields entry.
   *
   * @param manager the field manager
   * @param operation {@code Apply} or {@code Update}
   * @param apiVersion the {@code apiVersion} the fields refer to
   * @param time RFC 3339 time of the operation
   * @param subresource {@code status} or empty
   * @param fields the field set
   */
  record Entry(
      String manager,
      String operation,
      String apiVersion,
      String time,
      String subresource,
      ObjectNode fields) {

    boolean sameIdentity(JsonNode other) {
      return manager.equals(other.path("manager").asString(""))
          && operation.equals(other.path("operation").asString(""))
          && subresource.equals(other.path("subresource").asString(""));
    }

    ObjectNode toJson(ObjectNode fieldSet) {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("manager", manager);
      json.put("operation", operation);
      json.put("apiVersion", apiVersion);
      json.put("time", time);
      json.put("fieldsType", "FieldsV1");
      json.set("fieldsV1", fieldSet);
      if (!subresource.isEmpty()) {
        json.put("subresource", subresource);
      }
      return json;
    }
  }
}
