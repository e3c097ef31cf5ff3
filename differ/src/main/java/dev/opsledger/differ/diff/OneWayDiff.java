package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.opsledger.differ.normalize.Comparison;
import dev.opsledger.differ.tree.ListKeys;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Site;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a normalised desired manifest with its normalised live counterpart, one way: every field
 * the manifest sets is compared, no other.
 *
 * <ul>
 *   <li>objects: member by member, recursively; live members the manifest does not set are not
 *       looked at;
 *   <li>lists of named items: item by item as {@link ListKeys} pairs them; a desired item the live
 *       list lacks is added; live items the manifest does not declare are left alone (injected
 *       sidecars, volumes added by webhooks);
 *   <li>other lists of objects of the same length: item by item, one way, by position; any other
 *       list is atomic, compared whole and replaced whole;
 *   <li>scalars: by value, after normalisation made equivalent values identical.
 * </ul>
 */
final class OneWayDiff {

  private OneWayDiff() {}

  /** The differences, in document order. */
  static List<Change> changes(Comparison comparison) throws NotComparableException {
    List<Change> out = new ArrayList<>();
    PairedWalk.walk(
        comparison.ref(), comparison.desired(), comparison.live(), site -> visit(site, out));
    return out;
  }

  private static Next visit(Site site, List<Change> out) throws NotComparableException {
    JsonNode d = site.desired();
    JsonNode l = site.live();
    if (l == null) {
      if (!d.isNull()) {
        out.add(new Change(Change.Op.ADD, site.path(), site.livePath(), d));
      }
      return Next.SKIP;
    }
    if (d.isNull()) {
      if (!l.isNull()) {
        out.add(new Change(Change.Op.REMOVE, site.path(), site.livePath(), null));
      }
      return Next.SKIP;
    }
    if (d.isObject() && l.isObject()) {
      return Next.DESCEND;
    }
    if (d instanceof ArrayNode da && l instanceof ArrayNode la && itemByItem(site, da, la)) {
      return Next.DESCEND;
    }
    if (!d.equals(l)) {
      out.add(new Change(Change.Op.REPLACE, site.path(), site.livePath(), d));
    }
    return Next.SKIP;
  }

  /** Whether a list is compared item by item (named items, or same-length lists of objects). */
  private static boolean itemByItem(Site site, ArrayNode desired, ArrayNode live)
      throws NotComparableException {
    if (ListKeys.pair(site.ref(), site.path(), desired, live).keyed()) {
      return true;
    }
    if (desired.size() != live.size()) {
      return false;
    }
    for (JsonNode item : desired) {
      if (!item.isObject()) {
        return false;
      }
    }
    return true;
  }
}
