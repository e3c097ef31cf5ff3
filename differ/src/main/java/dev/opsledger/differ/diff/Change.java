package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.tree.Path;

/**
 * One difference found by {@link OneWayDiff}: a field the manifest sets that the live object lacks
 * ({@code ADD}), has another value for ({@code REPLACE}), or has although the manifest asks for its
 * removal with {@code null} ({@code REMOVE}).
 *
 * @param op what the patch must do
 * @param desiredPath where the field is in the manifest
 * @param livePath where it is (or goes) in the live object
 * @param value the desired value; {@code null} for {@code REMOVE}
 */
record Change(Op op, Path desiredPath, Path livePath, JsonNode value) {

  /** RFC 6902 operations the diff needs. */
  enum Op {
    ADD("add"),
    REPLACE("replace"),
    REMOVE("remove");

    private final String json;

    Op(String json) {
      this.json = json;
    }

    String json() {
      return json;
    }
  }
}
