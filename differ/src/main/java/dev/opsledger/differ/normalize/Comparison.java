package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.ManifestRef;
import java.util.Objects;

/**
 * The working state of one diff: the object compared, working copies of the desired manifest and
 * the live object that normalisers change in place, and the ignore rules in force.
 *
 * <p>The copies belong to this comparison alone (the engine makes them), so normalising never
 * touches the documents a caller passed in.
 */
public final class Comparison {

  private final ManifestRef ref;
  private final ObjectNode desired;
  private final ObjectNode live;
  private final IgnoreRules rules;

  /**
   * A comparison over working copies.
   *
   * @param ref what the desired manifest names
   * @param desired a copy of the desired manifest, changed in place
   * @param live a copy of the live object, changed in place
   * @param rules the ignore rules in force
   */
  public Comparison(ManifestRef ref, ObjectNode desired, ObjectNode live, IgnoreRules rules) {
    this.ref = Objects.requireNonNull(ref, "ref");
    this.desired = Objects.requireNonNull(desired, "desired");
    this.live = Objects.requireNonNull(live, "live");
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** What the desired manifest names. */
  public ManifestRef ref() {
    return ref;
  }

  /** The working copy of the desired manifest. */
  public ObjectNode desired() {
    return desired;
  }

  /** The working copy of the live object. */
  public ObjectNode live() {
    return live;
  }

  /** The ignore rules in force. */
  public IgnoreRules rules() {
    return rules;
  }
}
