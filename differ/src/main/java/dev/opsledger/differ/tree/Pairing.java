package dev.opsledger.differ.tree;

import java.util.Arrays;

/**
 * How the items of a desired list are paired with the items of the live list.
 *
 * @param keyed whether items were paired by key (named items: containers by name, ports by port and
 *     protocol, ...) rather than by position
 * @param liveIndices for each desired item, the index of its live counterpart, or {@code -1} when
 *     the live list has none
 */
public record Pairing(boolean keyed, int[] liveIndices) {

  /** Copies the indices, so that a pairing never changes once made. */
  public Pairing {
    liveIndices = liveIndices.clone();
  }

  /** The live index paired with desired item {@code i}, or {@code -1}. */
  public int liveIndexOf(int i) {
    return liveIndices[i];
  }

  /** The number of desired items. */
  public int size() {
    return liveIndices.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pairing p && keyed == p.keyed && Arrays.equals(liveIndices, p.liveIndices);
  }

  @Override
  public int hashCode() {
    return 31 * Boolean.hashCode(keyed) + Arrays.hashCode(liveIndices);
  }

  @Override
  public String toString() {
    return (keyed ? "keyed" : "positional") + Arrays.toString(liveIndices);
  }
}
