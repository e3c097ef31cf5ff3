package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource a pull request declares differently from the tracked branch's last good revision.
 *
 * @param resource the resource
 * @param path the file (or rendered path) that declares it
 * @param manifest the canonical manifest, Secret values sealed as on {@code opsledger.desired}
 */
public record PreviewResource(ResourceKey resource, String path, JsonNode manifest) {

  /** Requires a resource and a manifest object. */
  public PreviewResource {
    if (resource == null) {
      throw new IllegalArgumentException("resource is required");
    }
    if (manifest == null || !manifest.isObject()) {
      throw new IllegalArgumentException("manifest must be a JSON object");
    }
    path = path == null ? "" : path;
  }
}
