package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Path;
import dev.opsledger.differ.tree.Site;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Applies the user's {@link IgnoreRule}s: a field an applicable rule points at is not compared.
 *
 * <p>An object member is removed from the desired manifest, so the diff never looks at it and the
 * patch never writes it (the field stays with whoever owns it live, e.g. the HPA that scales a
 * Deployment). An item of a list of named items is removed from the desired list. An item of a list
 * paired by position cannot be removed without shifting the others, so its live counterpart is made
 * to say what the desired item says instead.
 *
 * <p>A member the live object has no parent for (an ignored annotation of an object that has no
 * annotations live) is out of the paired walk's reach: it is removed from the desired manifest too,
 * by a walk of the desired objects alone, so that an ignored field never shows up as missing.
 */
public final class IgnoreRulesNormalizer implements Normalizer {

  private enum Match {
    NONE,
    PREFIX,
    FULL
  }

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    List<Path> paths = comparison.rules().pathsFor(comparison.ref());
    if (paths.isEmpty()) {
      return;
    }
    List<List<String>> patterns = paths.stream().map(Path::tokens).toList();
    List<KeyedItem> keyedItems = new ArrayList<>();
    PairedWalk.walk(
        comparison.ref(),
        comparison.desired(),
        comparison.live(),
        site -> visit(site, patterns, keyedItems));
    // Walk order visits each list's items in ascending order: remove from the last one back.
    for (int i = keyedItems.size() - 1; i >= 0; i--) {
      keyedItems.get(i).list().remove(keyedItems.get(i).index());
    }
    for (List<String> pattern : patterns) {
      removeUnpaired(comparison.desired(), comparison.live(), pattern, 0);
    }
  }

  /**
   * Removes the members a pattern names where the live object lacks their parent object. Only
   * objects are followed: a list item is paired by the walk, or not compared at all.
   */
  private static void removeUnpaired(
      ObjectNode desired, ObjectNode live, List<String> pattern, int depth) {
    String token = pattern.get(depth);
    boolean last = depth == pattern.size() - 1;
    for (Iterator<Map.Entry<String, JsonNode>> it = desired.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!"*".equals(token) && !token.equals(e.getKey())) {
        continue;
      }
      if (last) {
        if (live == null) {
          it.remove();
        }
      } else if (e.getValue() instanceof ObjectNode child) {
        JsonNode liveChild = live == null ? null : live.get(e.getKey());
        removeUnpaired(child, liveChild instanceof ObjectNode l ? l : null, pattern, depth + 1);
      }
    }
  }

  private static Next visit(Site site, List<List<String>> patterns, List<KeyedItem> keyedItems) {
    List<String> tokens = site.path().tokens();
    Match best = Match.NONE;
    for (List<String> pattern : patterns) {
      Match m = match(pattern, tokens);
      if (m.compareTo(best) > 0) {
        best = m;
      }
    }
    if (best == Match.PREFIX) {
      return Next.DESCEND;
    }
    if (best == Match.NONE) {
      return Next.SKIP;
    }
    if (site.field() != null) {
      return Next.REMOVE_DESIRED;
    }
    if (site.isKeyedItem()) {
      keyedItems.add(new KeyedItem((ArrayNode) site.desiredParent(), site.desiredIndex()));
    } else if (site.canSetLive()) {
      site.setLive(site.desired().deepCopy());
    }
    return Next.SKIP;
  }

  private static Match match(List<String> pattern, List<String> tokens) {
    if (tokens.size() > pattern.size()) {
      return Match.NONE;
    }
    for (int i = 0; i < tokens.size(); i++) {
      String p = pattern.get(i);
      if (!"*".equals(p) && !p.equals(tokens.get(i))) {
        return Match.NONE;
      }
    }
    return tokens.size() == pattern.size() ? Match.FULL : Match.PREFIX;
  }

  private record KeyedItem(ArrayNode list, int index) {}
}
