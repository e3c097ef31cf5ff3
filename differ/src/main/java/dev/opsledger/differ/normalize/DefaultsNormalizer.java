package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.normalize.ApiServerDefaults.DefaultValue;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Site;

/**
 * Fills in the API server's defaults ({@link ApiServerDefaults}) where the live object lacks a
 * field the manifest sets, and matches allocated Service fields left empty in the manifest.
 *
 * <p>A real API server stores every default, so a live object read from a cluster rarely lacks one;
 * objects read from stores that do not default (an API emulator, a backup, an older storage
 * version) do. Either way, an absent live field with a default <em>is</em> the default: filling it
 * in lets the value steps compare a manifest that spells a default out ({@code imagePullPolicy:
 * IfNotPresent}, {@code protocol: TCP}) with a live object that does not, and still report a
 * manifest that asks for something else. Only fields the manifest sets are filled, so the diff
 * stays one-way.
 */
public final class DefaultsNormalizer implements Normalizer {

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    ManifestRef ref = comparison.ref();
    if (!ApiServerDefaults.knowsKind(ref)) {
      return;
    }
    PairedWalk.walk(ref, comparison.desired(), comparison.live(), DefaultsNormalizer::visit);
  }

  private static Next visit(Site site) {
    JsonNode live = site.live();
    if (live == null) {
      if (!site.canSetLive()) {
        return Next.SKIP;
      }
      DefaultValue rule = ApiServerDefaults.lookup(site.ref(), site.path().pattern());
      JsonNode value = rule == null ? null : rule.at(site);
      if (value == null) {
        return Next.SKIP;
      }
      site.setLive(value);
      return Next.DESCEND;
    }
    if (site.field() != null
        && ApiServerDefaults.isAllocated(site.ref(), site.field(), site.path().pattern())
        && leftEmpty(site.desired())) {
      site.setLive(site.desired().deepCopy());
      return Next.SKIP;
    }
    return Next.DESCEND;
  }

  /** {@code null}, {@code ""}, {@code 0}, {@code []} or {@code [""]}: "allocate one for me". */
  private static boolean leftEmpty(JsonNode desired) {
    if (desired.isNull()) {
      return true;
    }
    if (desired.isTextual()) {
      return desired.asText().isEmpty();
    }
    if (desired.isNumber()) {
      return desired.asLong() == 0;
    }
    if (desired.isArray()) {
      for (JsonNode item : desired) {
        if (!leftEmpty(item)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
