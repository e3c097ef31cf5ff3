package dev.opsledger.differ.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.ListKeys;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.Pairing;
import dev.opsledger.differ.tree.Path;
import dev.opsledger.events.AppliedStamp;
import dev.opsledger.events.EventJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields OpsLedger applied before that the desired manifest no longer declares: the other half
 * of the diff, which the one-way comparison cannot see.
 *
 * <p>Server-side apply records in {@code metadata.managedFields} which fields each manager's last
 * applied configuration set. The live object's {@code Apply} entry of OpsLedger's field manager
 * (the state-collector keeps that entry and no other) is read in the {@code FieldsV1} notation:
 * {@code f:name} an object member, {@code k:{json}} the list item whose key fields have those
 * values, {@code i:N} the item at index N, {@code .} the item itself ({@code v:value} items of
 * lists of scalars are left to the one-way diff, which compares such lists whole). A path the entry
 * names that the live object still has and the manifest does not declare is a removal; only the
 * top-most one of a missing subtree is reported. When OpsLedger applies the manifest again, the API
 * server removes such a field (unless another manager also owns it) and drops it from the entry, so
 * the removal is reported until that has happened.
 *
 * <p>Never reported: fields other managers own (an HPA's {@code spec.replicas}, a {@code kubectl
 * edit}, defaults), since they are in no {@code Apply} entry of OpsLedger's; what the applier adds
 * to every object ({@link AppliedStamp}); the key fields of a list item the manifest still declares
 * (the API server records a defaulted key such as a port's {@code protocol} although the manifest
 * left it out); fields an ignore rule points at; and everything when the entry was written at
 * another API version than the live object was read at (its paths could be another version's).
 *
 * <p>Lists are paired with the manifest as the diff pairs them ({@link ListKeys}). Pure.
 */
final class AppliedFields {

  private static final Set<Path> STAMP =
      Set.of(
          Path.root().member("metadata").member("labels").member(AppliedStamp.MANAGED_BY_LABEL),
          Path.root().member("metadata").member("annotations").member(AppliedStamp.SOURCE),
          Path.root().member("metadata").member("annotations").member(AppliedStamp.REVISION));

  private final ManifestRef ref;
  private final List<List<String>> ignored;
  private final List<Path> out = new ArrayList<>();

  private AppliedFields(ManifestRef ref, List<Path> ignored) {
    this.ref = ref;
    this.ignored = ignored.stream().map(Path::tokens).toList();
  }

  /**
   * The live paths of the fields that {@code fieldManager}'s {@code Apply} entry owns and the
   * desired manifest no longer declares, in the entry's order.
   *
   * @param ref the object compared
   * @param desired the desired manifest as given (not normalised: what is applied)
   * @param live the live object as observed, with its {@code managedFields}
   * @param fieldManager OpsLedger's field manager
   * @param ignored the ignore rules' pointers for this object
   */
  static List<Path> removed(
      ManifestRef ref, JsonNode desired, JsonNode live, String fieldManager, List<Path> ignored) {
    AppliedFields walk = new AppliedFields(ref, ignored);
    String liveVersion = live.path("apiVersion").asText("");
    for (JsonNode entry : live.path("metadata").path("managedFields")) {
      if (fieldManager.equals(entry.path("manager").asText())
          && "Apply".equals(entry.path("operation").asText())
          && entry.path("subresource").asText("").isEmpty()
          && liveVersion.equals(entry.path("apiVersion").asText(liveVersion))
          && entry.get("fieldsV1") instanceof ObjectNode fields) {
        walk.fields(fields, desired, live, Path.root(), Path.root(), Set.of());
      }
    }
    return walk.out.stream().distinct().toList();
  }

  /**
   * Walks one level of a field set.
   *
   * @param d the desired value here, or {@code null} when the manifest does not declare it
   * @param implied member names declared by implication (the key fields of a paired list item)
   */
  private void fields(
      ObjectNode set,
      JsonNode d,
      JsonNode l,
      Path livePath,
      Path desiredPath,
      Set<String> implied) {
    for (Map.Entry<String, JsonNode> e : set.properties()) {
      String token = e.getKey();
      JsonNode sub = e.getValue();
      if (token.startsWith("f:")) {
        String name = token.substring(2);
        if (l instanceof ObjectNode lo && lo.get(name) != null && !implied.contains(name)) {
          JsonNode dv = d instanceof ObjectNode dObj ? dObj.get(name) : null;
          visit(sub, dv, lo.get(name), livePath.member(name), desiredPath.member(name));
        }
      } else if (l instanceof ArrayNode la) {
        item(token, sub, d, la, livePath, desiredPath);
      }
    }
  }

  private void item(
      String token, JsonNode sub, JsonNode d, ArrayNode l, Path livePath, Path desiredPath) {
    JsonNode key = parse(token);
    int li = -1;
    Set<String> implied = Set.of();
    if (token.startsWith("k:") && key instanceof ObjectNode k) {
      li = indexOfKey(l, k);
      implied = names(k);
    } else if (token.startsWith("v:")) {
      // A list of scalars is compared whole by the one-way diff, which replaces it when an item
      // the manifest no longer has is still live: reporting the item too would double the change.
      return;
    } else if (token.startsWith("i:")) {
      li = index(token.substring(2), l.size());
    }
    if (li < 0) {
      return; // nothing live to remove
    }
    if (!(d instanceof ArrayNode da)) {
      if (d == null) {
        report(livePath.index(li));
      }
      return; // a desired non-list (null included) is the one-way diff's to report
    }
    int di = desiredIndexOf(da, l, li, desiredPath);
    if (di == -2) {
      return; // compared by position or not at all: the one-way diff's to report
    }
    if (di < 0) {
      report(livePath.index(li));
    } else if (sub instanceof ObjectNode subSet) {
      fields(subSet, da.get(di), l.get(li), livePath.index(li), desiredPath.index(di), implied);
    }
  }

  private void visit(JsonNode sub, JsonNode dv, JsonNode lv, Path livePath, Path desiredPath) {
    if (dv == null && !coversStamp(livePath)) {
      report(livePath);
    } else if (sub instanceof ObjectNode subSet && !subSet.isEmpty()) {
      fields(subSet, dv, lv, livePath, desiredPath, Set.of());
    }
  }

  private void report(Path livePath) {
    if (!STAMP.contains(livePath) && !ignored(livePath.tokens())) {
      out.add(livePath);
    }
  }

  /** Whether a stamp field is below this path: then its other members are looked at one by one. */
  private static boolean coversStamp(Path path) {
    for (Path stamp : STAMP) {
      for (Path p = stamp; !p.isRoot(); p = p.parent()) {
        if (p.equals(path)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean ignored(List<String> tokens) {
    for (List<String> pattern : ignored) {
      if (pattern.size() <= tokens.size()) {
        boolean match = true;
        for (int i = 0; i < pattern.size() && match; i++) {
          match = "*".equals(pattern.get(i)) || pattern.get(i).equals(tokens.get(i));
        }
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The desired item paired with live item {@code li}: -1 when there is none, -2 when the lists are
   * paired by position (a shorter desired list is then replaced whole by the one-way diff, so no
   * item is removed on its own) or cannot be paired.
   */
  private int desiredIndexOf(ArrayNode d, ArrayNode l, int li, Path desiredPath) {
    Pairing pairing;
    try {
      pairing = ListKeys.pair(ref, desiredPath, d, l);
    } catch (NotComparableException e) {
      return -2;
    }
    if (!pairing.keyed()) {
      return li < d.size() ? li : -2;
    }
    for (int i = 0; i < pairing.size(); i++) {
      if (pairing.liveIndexOf(i) == li) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOfKey(ArrayNode items, ObjectNode key) {
    for (int i = items.size() - 1; i >= 0; i--) {
      JsonNode item = items.get(i);
      boolean match = item.isObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = key.properties().iterator();
          match && it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        match = sameValue(item.get(field.getKey()), field.getValue());
      }
      if (match) {
        return i; // the last of duplicates, as the pairing of the diff takes
      }
    }
    return -1;
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return false;
    }
    if (a.isNumber() && b.isNumber()) {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
    }
    return a.equals(b);
  }

  private static int index(String text, int size) {
    try {
      int i = Integer.parseInt(text);
      return i >= 0 && i < size ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Set<String> names(ObjectNode key) {
    List<String> names = new ArrayList<>();
    key.fieldNames().forEachRemaining(names::add);
    return Set.copyOf(names);
  }

  /** The JSON after {@code k:} or {@code v:}, or {@code null} for another token or bad JSON. */
  private static JsonNode parse(String token) {
    if (!token.startsWith("k:") && !token.startsWith("v:")) {
      return null;
    }
    try {
      return EventJson.mapper().readTree(token.substring(2));
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
