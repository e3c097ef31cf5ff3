package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The live state of a resource changed in a field that can matter for a diff.
 *
 * @param resource the resource
 * @param observedAt when the collector saw it
 * @param resourceVersion the API's version of the object, empty when the API has none
 * @param contentHash {@code sha256:<hex>} of {@link #live()} in canonical JSON
 * @param live the live object as canonical JSON; Secret values are replaced by keyed hashes
 * @param managed whether the object carries OpsLedger's managed-by label
 * @param uid the live object's {@code metadata.uid}: which incarnation of the name was seen. It is
 *     kept out of {@link #live()} (and so out of {@link #contentHash()} and every diff): it never
 *     makes an object drift, it only lets the applier delete exactly the object that was observed.
 *     {@code null} for AWS resources, which have none, and in events written before schema version
 *     2
 */
public record ObservedStateChanged(
    ResourceKey resource,
    Instant observedAt,
    String resourceVersion,
    String contentHash,
    JsonNode live,
    boolean managed,
    String uid)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ObservedStateChanged {
    Require.present("resource", resource);
    Require.present("observedAt", observedAt);
    Require.text("contentHash", contentHash);
    Require.node("live", live);
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
    uid = uid == null || uid.isEmpty() ? null : uid;
  }

  /** An observation without a uid: an AWS resource, or an event written before schema version 2. */
  public ObservedStateChanged(
      ResourceKey resource,
      Instant observedAt,
      String resourceVersion,
      String contentHash,
      JsonNode live,
      boolean managed) {
    this(resource, observedAt, resourceVersion, contentHash, live, managed, null);
  }
}
