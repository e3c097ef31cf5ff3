package dev.opsledger.applier.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.AppliedStamp;

/**
 * Marks an object as OpsLedger's before it is applied: label {@value #MANAGED_BY}={@value
 * #MANAGER}, annotations {@value #SOURCE} and {@value #REVISION}. Pure; returns a copy.
 */
public final class ManifestStamp {

  /** The standard label naming the tool that manages an object. */
  public static final String MANAGED_BY = AppliedStamp.MANAGED_BY_LABEL;

  /** Its value. */
  public static final String MANAGER = AppliedStamp.MANAGED_BY_VALUE;

  /** The annotation naming the source that declares the object. */
  public static final String SOURCE = AppliedStamp.SOURCE;

  /** The annotation naming the applied revision (the differ knows OpsLedger owns all three). */
  public static final String REVISION = AppliedStamp.REVISION;

  private ManifestStamp() {}

  /** A copy of the manifest with the label and annotations set. */
  public static ObjectNode stamp(ObjectNode manifest, String sourceId, String revision) {
    ObjectNode copy = manifest.deepCopy();
    ObjectNode metadata = object(copy, "metadata");
    object(metadata, "labels").put(MANAGED_BY, MANAGER);
    ObjectNode annotations = object(metadata, "annotations");
    if (sourceId != null) {
      annotations.put(SOURCE, sourceId);
    }
    if (revision != null) {
      annotations.put(REVISION, revision);
    }
    return copy;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }
}
