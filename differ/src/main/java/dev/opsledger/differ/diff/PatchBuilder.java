package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@link Change}s into an RFC 6902 JSON Patch that applies to the live object as observed.
 *
 * <p>Normalisation may have filled in, on the live working copy, defaults that the observed object
 * does not actually carry (see {@code DefaultsNormalizer}). A {@code replace} of such a field
 * becomes an {@code add}; a change below an object the observed object lacks altogether becomes one
 * {@code add} of the desired value of that object, at the highest level that is missing.
 */
final class PatchBuilder {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * Paths in descending document order, list indices compared as numbers: removing items in this
   * order never shifts the index of an item still to be removed.
   */
  static final Comparator<Path> LAST_FIRST =
      (a, b) -> {
        List<String> x = a.tokens();
        List<String> y = b.tokens();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
          int c = compareTokens(x.get(i), y.get(i));
          if (c != 0) {
            return -c;
          }
        }
        return -Integer.compare(x.size(), y.size());
      };

  private static int compareTokens(String a, String b) {
    boolean an = !a.isEmpty() && a.chars().allMatch(Character::isDigit);
    boolean bn = !b.isEmpty() && b.chars().allMatch(Character::isDigit);
    if (an && bn) {
      return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
    }
    return a.compareTo(b);
  }

  private PatchBuilder() {}

  /**
   * The patch.
   *
   * @param changes the differences, in document order
   * @param observedLive the live object as the caller passed it
   * @param desired the normalised desired manifest
   */
  static ArrayNode build(List<Change> changes, JsonNode observedLive, JsonNode desired) {
    ArrayNode patch = JSON.arrayNode(changes.size());
    Set<String> written = new HashSet<>();
    for (Change change : changes) {
      Change resolved = resolve(change, observedLive, desired);
      if (resolved == null) {
        continue;
      }
      // Several changes below one missing object lift to the same add: write it once. Appends
      // ("/-") and ordinary changes have distinct targets and are never merged.
      boolean lifted = resolved.livePath().tokens().size() < change.livePath().tokens().size();
      if (lifted && !written.add(resolved.livePath().pointer())) {
        continue;
      }
      ObjectNode op = patch.addObject();
      op.put("op", resolved.op().json());
      op.put("path", resolved.livePath().pointer());
      if (resolved.op() != Change.Op.REMOVE) {
        op.set("value", resolved.value().deepCopy());
      }
    }
    return patch;
  }

  private static Change resolve(Change change, JsonNode observed, JsonNode desired) {
    List<Path> liveChain = chain(change.livePath());
    List<Path> desiredChain = chain(change.desiredPath());
    JsonNode node = observed;
    for (int i = 0; i < liveChain.size(); i++) {
      Path at = liveChain.get(i);
      JsonNode next = child(node, at);
      if (next == null) {
        if (change.op() == Change.Op.REMOVE) {
          return null; // the observed object has nothing there to remove
        }
        if (i == liveChain.size() - 1) {
          return new Change(Change.Op.ADD, change.desiredPath(), at, change.value());
        }
        Path desiredAt = desiredChain.get(i);
        return new Change(Change.Op.ADD, desiredAt, at, desired.at(desiredAt.pointer()));
      }
      node = next;
    }
    return change;
  }

  /** The prefixes of a path, from depth 1 down to the path itself. */
  private static List<Path> chain(Path path) {
    List<Path> out = new ArrayList<>();
    for (Path p = path; !p.isRoot(); p = p.parent()) {
      out.add(p);
    }
    Collections.reverse(out);
    return out;
  }

  private static JsonNode child(JsonNode node, Path at) {
    if (node == null) {
      return null;
    }
    if (node.isArray()) {
      return at.isIndex() ? node.get(Integer.parseInt(at.lastToken())) : null;
    }
    return node.isObject() && !at.isIndex() ? node.get(at.memberName()) : null;
  }
}
