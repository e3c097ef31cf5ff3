package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Path;
import dev.opsledger.differ.tree.Site;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the user's {@link IgnoreRule}s: a field an applicable rule points at is not compared.
 *
 * <p>An object member is removed from the desired manifest, so the diff never looks at it and the
 * patch never writes it (the field stays with whoever owns it live, e.g. the HPA that scales a
 * Deployment). An item of a list of named items is removed from the desired list. An item of a list
 * paired by position cannot be removed without shifting the others, so its live counterpart is made
 * to say what the desired item says instead.
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
