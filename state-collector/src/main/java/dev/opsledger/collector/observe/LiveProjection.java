package dev.opsledger.collector.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.health.Health;
import dev.opsledger.collector.health.HealthAssessor;
import dev.opsledger.events.AppliedStamp;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import java.util.Set;

/**
 * Turns a raw live object into what the collector reports: the object without the fields the API
 * server changes on its own, with Secret values hashed, in canonical JSON, and its content hash.
 *
 * <p>Removed: {@code status}; the metadata fields in {@link #SERVER_METADATA}. These change on
 * every write or controller pass ({@code resourceVersion}, {@code managedFields}, {@code
 * generation}) or identify an incarnation rather than a configuration ({@code uid}, {@code
 * creationTimestamp}), and the differ ignores them. The {@code uid} travels beside the projection
 * ({@link Observation.Present#uid()}), never in it: the content hash stays that of the
 * configuration, and the applier can still delete exactly the object that was observed. Everything
 * else is kept — labels, annotations, {@code spec}, {@code data}, {@code deletionTimestamp} (an
 * object being deleted is news).
 *
 * <p>One part of {@code managedFields} is kept: the {@code Apply} entry of OpsLedger's own field
 * manager, reduced to {@code manager}, {@code operation}, {@code apiVersion} and {@code fieldsV1}.
 * It says which fields OpsLedger applied, so the differ can report a field Git no longer declares
 * as drift until the API server removed it. Its {@code time} is dropped (a repeated apply changes
 * nothing else), and so are the entries of every other manager (an HPA or a controller writing
 * would otherwise be news on every pass). {@code fieldsV1} names fields, never values, so a
 * Secret's entry holds only its key names.
 *
 * <p>Before {@code status} goes, the object's health is assessed from the whole object ({@link
 * HealthAssessor}) and travels beside the projection in {@link Observation.Present#health()}.
 *
 * <p>Pure and thread-safe.
 */
public final class LiveProjection {

  /** Metadata fields that never matter for a diff. */
  public static final Set<String> SERVER_METADATA =
      Set.of(
          "uid",
          "resourceVersion",
          "generation",
          "managedFields",
          "creationTimestamp",
          "selfLink",
          "deletionGracePeriodSeconds");

  /** The label that marks an object OpsLedger applied. */
  public static final String MANAGED_BY_LABEL = AppliedStamp.MANAGED_BY_LABEL;

  /** Its value. */
  public static final String MANAGED_BY_VALUE = AppliedStamp.MANAGED_BY_VALUE;

  /** The field manager of OpsLedger's applier by default. */
  public static final String DEFAULT_FIELD_MANAGER = "opsledger";

  private final SecretProtector secrets;
  private final String fieldManager;
  private final HealthAssessor health;

  /** A projection that hashes Secret values with the fleet's key. */
  public LiveProjection(SecretProtector secrets) {
    this(secrets, DEFAULT_FIELD_MANAGER);
  }

  /**
   * A projection that hashes Secret values with the fleet's key and keeps the {@code Apply} entry
   * of {@code fieldManager}.
   */
  public LiveProjection(SecretProtector secrets, String fieldManager) {
    this(secrets, fieldManager, HealthAssessor.builtIn());
  }

  /**
   * A projection that also assesses each object's health with {@code health}, from the whole object
   * before {@code status} is removed.
   */
  public LiveProjection(SecretProtector secrets, String fieldManager, HealthAssessor health) {
    this.secrets = secrets;
    this.fieldManager = fieldManager;
    this.health = health;
  }

  /**
   * Projects a Kubernetes object of {@code target}.
   *
   * @param raw the object as the API returned it; it is changed in place
   * @return {@link Observation.Present}, or {@link Observation.Failed} with {@link
   *     FailureReason#UNSERIALIZABLE} when it has no name or a Secret value is not base64
   */
  public Observation project(String target, ObjectNode raw) {
    ResourceKey key;
    try {
      key = keyOf(target, raw);
    } catch (IllegalArgumentException e) {
      ResourceKey kindKey =
          ResourceKey.of(
              target,
              new KindRef(raw.path("apiVersion").asText("v1"), raw.path("kind").asText("Unknown"))
                  .group(),
              raw.path("kind").asText("Unknown"),
              "",
              ResourceKey.ANY_NAME);
      return new Observation.Failed(
          kindKey,
          FailureReason.UNSERIALIZABLE,
          "an object has no usable identity: " + e.getMessage(),
          null,
          false);
    }
    String resourceVersion = raw.path("metadata").path("resourceVersion").asText("");
    String uid = raw.path("metadata").path("uid").asText("");
    boolean managed =
        MANAGED_BY_VALUE.equals(
            raw.path("metadata").path("labels").path(MANAGED_BY_LABEL).asText(null));
    try {
      secrets.protectManifest(raw, false);
    } catch (IllegalArgumentException e) {
      // The protector's messages name fields, never values.
      return new Observation.Failed(key, FailureReason.UNSERIALIZABLE, e.getMessage(), null, false);
    }
    // Health reads status and generation, which the diff must not see: assess before stripping.
    Health assessed = health.assess(raw);
    raw.remove("status");
    if (raw.get("metadata") instanceof ObjectNode metadata) {
      ArrayNode applied = appliedEntries(metadata.get("managedFields"));
      metadata.remove(SERVER_METADATA);
      if (!applied.isEmpty()) {
        metadata.set("managedFields", applied);
      }
    }
    ObjectNode live = (ObjectNode) CanonicalJson.canonicalize(raw);
    return new Observation.Present(
        key,
        resourceVersion,
        live,
        CanonicalJson.hash(live),
        managed,
        uid.isEmpty() ? null : uid,
        assessed);
  }

  /** The field manager's {@code Apply} entries of the main resource, without their times. */
  private ArrayNode appliedEntries(JsonNode managedFields) {
    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
    if (managedFields == null || !managedFields.isArray()) {
      return kept;
    }
    for (JsonNode entry : managedFields) {
      if (fieldManager.equals(entry.path("manager").asText())
          && "Apply".equals(entry.path("operation").asText())
          && entry.path("subresource").asText("").isEmpty()
          && entry.get("fieldsV1") instanceof ObjectNode fields) {
        ObjectNode reduced = kept.addObject();
        reduced.put("manager", fieldManager).put("operation", "Apply");
        if (entry.hasNonNull("apiVersion")) {
          reduced.put("apiVersion", entry.get("apiVersion").asText());
        }
        reduced.set("fieldsV1", fields.deepCopy());
      }
    }
    return kept;
  }

  /**
   * The key of a Kubernetes object.
   *
   * @throws IllegalArgumentException when it lacks apiVersion, kind or name
   */
  public static ResourceKey keyOf(String target, JsonNode object) {
    KindRef kind =
        new KindRef(object.path("apiVersion").asText(""), object.path("kind").asText(""));
    JsonNode metadata = object.path("metadata");
    return ResourceKey.of(
        target,
        kind.group(),
        kind.kind(),
        metadata.path("namespace").asText(""),
        metadata.path("name").asText(""));
  }
}
