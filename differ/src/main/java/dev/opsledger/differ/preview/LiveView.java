package dev.opsledger.differ.preview;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the differ knows of one resource's live object.
 *
 * @param object the live object as last observed (Secret values hashed), or {@code null} when it is
 *     absent or was never observed
 * @param managed whether OpsLedger applied it (its field manager owns fields of it)
 */
public record LiveView(JsonNode object, boolean managed) {

  /** Nothing live, or nothing known. */
  public static final LiveView NONE = new LiveView(null, false);

  /** Whether an object is live. */
  public boolean present() {
    return object != null;
  }
}
