package dev.opsledger.sandbox.kubernetes;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pure server-side apply as far as the emulator goes: the object to store after a manager applied a
 * configuration.
 *
 * <p>Create-or-merge: without a live object the configuration becomes the object; with one, the
 * configuration is merged into it (maps key by key, lists and scalars replaced, {@code null}
 * removes), and the fields of the manager's previous {@code Apply} entry that this configuration
 * leaves out are removed from the object unless another manager also owns them (as the API server
 * prunes); then the manager's entry is replaced by the fields of this configuration. Not emulated:
 * conflicts between managers (never a 409); since lists are owned whole, an item left out of a list
 * goes because the applied list replaces the live one, not by pruning.
 */
final class ServerSideApply {

  /** Metadata the server sets; an applied configuration cannot set it. */
  private static final List<String> SERVER_METADATA =
      List.of(
          "uid",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "managedFields",
          "selfLink");

  private ServerSideApply() {}

  /**
   * The object to store.
   *
   * @param live the stored object, or null to create
   * @param configuration the applied configuration (not modified)
   * @param manager the field manager
   * @param force whether fields are taken away from other managers
   * @param ignoreStatus whether {@code status} in the configuration is dropped (resources with a
   *     status subresource ignore it on the main resource)
   * @param subresource {@code status} when applied to the status subresource, else empty
   * @param time RFC 3339 time of the apply
   */
  static ObjectNode apply(
      JsonNode live,
      ObjectNode configuration,
      String manager,
      boolean force,
      boolean ignoreStatus,
      String subresource,
      String time) {
    ObjectNode config = configuration.deepCopy();
    JsonNode metadata = config.path("metadata");
    if (metadata.isObject()) {
      ((ObjectNode) metadata).remove(SERVER_METADATA);
    }
    if (ignoreStatus) {
      config.remove("status");
    }
    ManagedFields.Entry entry =
        new ManagedFields.Entry(
            manager,
            "Apply",
            config.path("apiVersion").asString(""),
            time,
            subresource,
            ManagedFields.fieldsOfPatch(config));
    ObjectNode result = (ObjectNode) JsonMerge.mergePatch(live, config);
    JsonNode existing = live == null ? null : live.path("metadata").path("managedFields");
    prune(result, ManagedFields.noLongerApplied(existing, entry));
    ObjectNode resultMetadata =
        result.path("metadata").isObject()
            ? (ObjectNode) result.get("metadata")
            : result.putObject("metadata");
    resultMetadata.set(
        "managedFields", ManagedFields.record(existing, entry, force || live == null));
    return result;
  }

  /** Removes from {@code object} every field of {@code fields} (a {@code FieldsV1} set). */
  private static void prune(JsonNode object, ObjectNode fields) {
    if (!(object instanceof ObjectNode node)) {
      return;
    }
    for (var field : fields.properties()) {
      String name = field.getKey().substring(2);
      if (field.getValue().isEmpty()) {
        node.remove(name);
      } else {
        prune(node.get(name), (ObjectNode) field.getValue());
      }
    }
  }
}
