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
 */
public record ObservedStateChanged(
    ResourceKey resource,
    Instant observedAt,
    String resourceVersion,
    String contentHash,
    JsonNode live,
    boolean managed)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ObservedStateChanged {
    Require.present("resource", resource);
    Require.present("observedAt", observedAt);
    Require.text("contentHash", contentHash);
    Require.node("live", live);
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }
}
