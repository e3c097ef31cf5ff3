package dev.opsledger.collector.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * creationTimestamp}), and the differ ignores them, so a change in them alone is no news.
 * Everything else is kept — labels, annotations, {@code spec}, {@code data}, {@code
 * deletionTimestamp} (an object being deleted is news).
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
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  /** Its value. */
  public static final String MANAGED_BY_VALUE = "opsledger";

  private final SecretProtector secrets;

  /** A projection that hashes Secret values with the fleet's key. */
  public LiveProjection(SecretProtector secrets) {
    this.secrets = secrets;
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
    boolean managed =
        MANAGED_BY_VALUE.equals(
            raw.path("metadata").path("labels").path(MANAGED_BY_LABEL).asText(null));
    try {
      secrets.protectManifest(raw, false);
    } catch (IllegalArgumentException e) {
      // The protector's messages name fields, never values.
      return new Observation.Failed(key, FailureReason.UNSERIALIZABLE, e.getMessage(), null, false);
    }
    raw.remove("status");
    if (raw.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_METADATA);
    }
    ObjectNode live = (ObjectNode) CanonicalJson.canonicalize(raw);
    return new Observation.Present(key, resourceVersion, live, CanonicalJson.hash(live), managed);
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
