package dev.opsledger.differ.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Walks every value a desired manifest sets, top-down, each with its live counterpart: object
 * members by name, list items as {@link ListKeys} pairs them.
 *
 * <p>This is the one walk that normalisers and the diff share, so that they all see the same pairs.
 * It goes where the desired manifest goes and nowhere else: live fields the manifest does not set
 * are never visited, which is what makes the diff one-way.
 */
public final class PairedWalk {

  /** What to do after a visit. */
  public enum Next {
    /** Visit the children when desired and live are both objects or both lists. */
    DESCEND,
    /** Do not visit the children. */
    SKIP,
    /** Remove this member from the desired manifest (object members only) and skip it. */
    REMOVE_DESIRED
  }

  /** Called once per desired value, parents before children. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * Visits one site; may replace the live value with {@link Site#setLive}.
     *
     * @throws NotComparableException to abandon the comparison
     */
    Next visit(Site site) throws NotComparableException;
  }

  private PairedWalk() {}

  /**
   * Walks a desired object and its live counterpart.
   *
   * @throws NotComparableException when the visitor or the pairing of a list gives up
   */
  public static void walk(ManifestRef ref, ObjectNode desired, ObjectNode live, Visitor visitor)
      throws NotComparableException {
    walkObject(ref, Path.root(), Path.root(), desired, live, visitor);
  }

  private static void walkObject(
      ManifestRef ref, Path path, Path livePath, ObjectNode desired, ObjectNode live, Visitor v)
      throws NotComparableException {
    Site.ContainerPair parents = new Site.ContainerPair(desired, live);
    for (Iterator<Map.Entry<String, JsonNode>> it = desired.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Site site = new Site(ref, path, livePath, parents, e.getKey(), -1, -1, false);
      Next next = v.visit(site);
      if (next == Next.REMOVE_DESIRED) {
        it.remove();
      } else if (next == Next.DESCEND) {
        descend(site, v);
      }
    }
  }

  private static void walkArray(
      ManifestRef ref, Path path, Path livePath, ArrayNode desired, ArrayNode live, Visitor v)
      throws NotComparableException {
    Pairing pairing = ListKeys.pair(ref, path, desired, live);
    Site.ContainerPair parents = new Site.ContainerPair(desired, live);
    for (int i = 0; i < desired.size(); i++) {
      Site site =
          new Site(ref, path, livePath, parents, null, i, pairing.liveIndexOf(i), pairing.keyed());
      Next next = v.visit(site);
      if (next == Next.REMOVE_DESIRED) {
        throw new IllegalStateException(
            "a visitor removes object members only, not list items (" + site.path() + ")");
      }
      if (next == Next.DESCEND) {
        descend(site, v);
      }
    }
  }

  private static void descend(Site site, Visitor v) throws NotComparableException {
    JsonNode d = site.desired();
    JsonNode l = site.live();
    if (l == null) {
      return;
    }
    if (d instanceof ObjectNode dObj && l instanceof ObjectNode lObj) {
      walkObject(site.ref(), site.path(), site.livePath(), dObj, lObj, v);
    } else if (d instanceof ArrayNode dArr && l instanceof ArrayNode lArr) {
      walkArray(site.ref(), site.path(), site.livePath(), dArr, lArr, v);
    }
  }
}
