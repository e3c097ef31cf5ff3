package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.SecretProtector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the diff engine found for one resource: in sync, drifted (and how), missing from the live
 * system, or not comparable (and why).
 */
public sealed interface DiffResult
    permits DiffResult.InSync, DiffResult.Drifted, DiffResult.Missing, DiffResult.CannotCompare {

  /** The outcome as a constant, for a {@code switch}. */
  enum State {
    /** The live object does what the manifest declares. */
    IN_SYNC,
    /** The live object differs from the manifest in a field the manifest sets. */
    DRIFTED,
    /** The manifest is declared but nothing lives under its name. */
    MISSING,
    /** The two cannot be compared. */
    CANNOT_COMPARE
  }

  /** The outcome as a constant. */
  State state();

  /** The live object does what the manifest declares (after normalisation). */
  record InSync() implements DiffResult {
    @Override
    public State state() {
      return State.IN_SYNC;
    }
  }

  /** The manifest is declared but the live system has no such object. */
  record Missing() implements DiffResult {
    @Override
    public State state() {
      return State.MISSING;
    }
  }

  /**
   * The two cannot be compared: the engine says why instead of guessing.
   *
   * @param reason what makes the comparison impossible, for people; never a Secret value
   */
  record CannotCompare(String reason) implements DiffResult {

    /** Checks the reason. */
    public CannotCompare {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public State state() {
      return State.CANNOT_COMPARE;
    }
  }

  /**
   * The live object differs from the manifest in fields the manifest sets.
   *
   * @param patch an RFC 6902 JSON Patch (an array of operations) that takes the live object, as
   *     observed, to the desired state of the fields the manifest sets, and removes the fields
   *     OpsLedger applied that the manifest no longer declares (last); paths address the live
   *     object (a list item may have another index there than in the manifest); Secret values
   *     appear only as the manifest's sealed values. Treat it as read-only.
   * @param unifiedDiff a unified diff, live ({@code ---}) to desired ({@code +++}), of the two as
   *     YAML restricted to the fields the manifest sets, with Secret values masked
   * @param changedPaths the JSON pointers, into the desired manifest, of the fields that differ, in
   *     document order; then those of the fields OpsLedger applied that Git no longer declares,
   *     into the live object (the manifest has no place for them)
   */
  record Drifted(JsonNode patch, String unifiedDiff, List<String> changedPaths)
      implements DiffResult {

    /** Checks and copies the fields. */
    public Drifted {
      Objects.requireNonNull(patch, "patch");
      Objects.requireNonNull(unifiedDiff, "unifiedDiff");
      changedPaths = List.copyOf(changedPaths);
      if (!patch.isArray() || patch.isEmpty() || changedPaths.isEmpty()) {
        throw new IllegalArgumentException("a drift has at least one patch operation and path");
      }
    }

    @Override
    public State state() {
      return State.DRIFTED;
    }

    /**
     * A stable digest of what differs: the changed paths and the patch, with every sealed or hashed
     * Secret value replaced by its fingerprint. Two diffs with the same fingerprint report the same
     * drift, even when a Secret was sealed again (sealing is randomised); the differ emits a new
     * diff event only when this changes.
     *
     * @return {@code sha256:<hex>}
     */
    public String fingerprint() {
      ObjectNode digest = JsonNodeFactory.instance.objectNode();
      digest.set("patch", withFingerprints(patch));
      digest.putArray("changedPaths").addAll(changedPaths.stream().map(TextNode::valueOf).toList());
      return CanonicalJson.hash(digest);
    }

    private static JsonNode withFingerprints(JsonNode node) {
      if (node.isTextual()) {
        Optional<String> fp = SecretProtector.fingerprintOf(node.asText());
        return fp.isPresent() ? TextNode.valueOf("fingerprint:" + fp.get()) : node;
      }
      if (node.isObject()) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(e -> out.set(e.getKey(), withFingerprints(e.getValue())));
        return out;
      }
      if (node.isArray()) {
        var out = JsonNodeFactory.instance.arrayNode(node.size());
        node.forEach(item -> out.add(withFingerprints(item)));
        return out;
      }
      return node;
    }
  }
}
