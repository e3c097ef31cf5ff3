package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;

/**
 * Treats an empty map, an empty list and {@code null} as the same as an absent field: the API
 * server drops empty values on write ({@code omitempty}), so {@code annotations: {}}, {@code
 * volumes: []} or {@code creationTimestamp: null} in a manifest must not read as drift.
 *
 * <p>When the desired value is empty and the live one is absent or empty too, the live one is made
 * to say exactly what the desired one says. A desired {@code null} against a live value that is not
 * empty stays a difference: in a manifest, {@code null} asks for the field to be removed.
 */
public final class EmptyCollectionsNormalizer implements Normalizer {

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    PairedWalk.walk(
        comparison.ref(),
        comparison.desired(),
        comparison.live(),
        site -> {
          if (!isEmpty(site.desired())) {
            return Next.DESCEND;
          }
          JsonNode live = site.live();
          if ((live == null || isEmpty(live)) && site.canSetLive()) {
            site.setLive(site.desired().deepCopy());
          }
          return Next.SKIP;
        });
  }

  /** Whether a value means "nothing": {@code null}, {@code {}} or {@code []}. */
  public static boolean isEmpty(JsonNode node) {
    return node.isNull() || (node.isContainerNode() && node.isEmpty());
  }
}
