package dev.opsledger.differ.normalize;

import dev.opsledger.differ.tree.NotComparableException;

/**
 * One normalisation concern (server-set fields, quantities, defaults, ignore rules, ...), applied
 * to a {@link Comparison} before the diff.
 *
 * <p>An implementation is stateless and thread-safe, and follows the invariants of this package: it
 * removes desired members or aligns live values with desired ones that mean the same, and never
 * adds or removes live list items.
 */
@FunctionalInterface
public interface Normalizer {

  /**
   * Normalises the working copies in {@code comparison} in place.
   *
   * @throws NotComparableException when the two cannot be compared at all
   */
  void normalize(Comparison comparison) throws NotComparableException;
}
