package dev.opsledger.differ.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pairs the items of a desired list with the items of the live list: lists of named items by their
 * key, every other list by position.
 *
 * <p>The keys are those Kubernetes declares for server-side apply ({@code listMapKeys}) and
 * strategic merge patch ({@code patchMergeKey}), so OpsLedger pairs items the way the API server
 * merges them:
 *
 * <ul>
 *   <li>{@code containers}, {@code initContainers}, {@code ephemeralContainers}, {@code env},
 *       {@code volumes}, {@code imagePullSecrets}, {@code resourceClaims}, {@code
 *       resources.claims}: {@code name};
 *   <li>{@code volumeMounts}: {@code mountPath} (one volume may be mounted at several paths, so the
 *       name is not a key); {@code volumeDevices}: {@code devicePath};
 *   <li>container {@code ports}: {@code containerPort} + {@code protocol}; Service {@code
 *       spec.ports}: {@code port} + {@code protocol}; a missing protocol is {@code TCP}, the API
 *       server's default, on both sides;
 *   <li>{@code hostAliases}: {@code ip}; {@code topologySpreadConstraints}: {@code topologyKey} +
 *       {@code whenUnsatisfiable}; {@code readinessGates}: {@code conditionType}; {@code
 *       conditions}: {@code type}; StatefulSet {@code volumeClaimTemplates}: {@code metadata.name};
 *   <li>any other list (custom resources included) whose items on both sides all have a distinct
 *       {@code name}: {@code name};
 *   <li>everything else ({@code args}, {@code tolerations}, Ingress {@code rules}, HPA {@code
 *       metrics}, ...): by position, as the API server treats them as atomic.
 * </ul>
 *
 * <p>A desired item of a known keyed list without its key, or two desired items with the same key,
 * make the manifest not comparable (server-side apply refuses such a list as well). Two live items
 * with the same key (client-side apply lets that happen for {@code env}) pair with the last one,
 * which is the one that takes effect.
 */
public final class ListKeys {

  private static final String DEFAULT_PROTOCOL = "TCP";

  private static final Set<String> NAME_KEYED =
      Set.of(
          "containers",
          "initContainers",
          "ephemeralContainers",
          "env",
          "volumes",
          "imagePullSecrets",
          "resourceClaims");

  private static final Set<String> CONTAINER_LISTS =
      Set.of("containers", "initContainers", "ephemeralContainers");

  private static final Key NAME = new Key(new String[][] {{"name"}}, new String[] {null});
  private static final Key MOUNT_PATH =
      new Key(new String[][] {{"mountPath"}}, new String[] {null});
  private static final Key DEVICE_PATH =
      new Key(new String[][] {{"devicePath"}}, new String[] {null});
  private static final Key CONTAINER_PORT =
      new Key(
          new String[][] {{"containerPort"}, {"protocol"}}, new String[] {null, DEFAULT_PROTOCOL});
  private static final Key SERVICE_PORT =
      new Key(new String[][] {{"port"}, {"protocol"}}, new String[] {null, DEFAULT_PROTOCOL});
  private static final Key IP = new Key(new String[][] {{"ip"}}, new String[] {null});
  private static final Key TOPOLOGY =
      new Key(new String[][] {{"topologyKey"}, {"whenUnsatisfiable"}}, new String[] {null, null});
  private static final Key CONDITION_TYPE =
      new Key(new String[][] {{"conditionType"}}, new String[] {null});
  private static final Key TYPE = new Key(new String[][] {{"type"}}, new String[] {null});
  private static final Key METADATA_NAME =
      new Key(new String[][] {{"metadata", "name"}}, new String[] {null});

  private ListKeys() {}

  /**
   * Pairs a desired list with the live list at the same place.
   *
   * @param ref the object both lists belong to (some keys depend on the kind)
   * @param listPath where the desired list is, for the key choice and for messages
   * @param desired the desired items
   * @param live the live items
   * @throws NotComparableException when a desired item of a keyed list lacks its key or repeats one
   */
  public static Pairing pair(ManifestRef ref, Path listPath, ArrayNode desired, ArrayNode live)
      throws NotComparableException {
    Key key = knownKey(ref, listPath);
    if (key != null) {
      return byKey(key, listPath, desired, live);
    }
    if (allNamed(desired) && allNamed(live)) {
      Pairing byName = byNameIfUnique(desired, live);
      if (byName != null) {
        return byName;
      }
    }
    return byPosition(desired.size(), live.size());
  }

  /** Whether the list at {@code listPath} has a declared key (as opposed to a guessed one). */
  public static boolean hasKnownKey(ManifestRef ref, Path listPath) {
    return knownKey(ref, listPath) != null;
  }

  private static Key knownKey(ManifestRef ref, Path listPath) {
    String field = listPath.memberName();
    if (field == null) {
      return null;
    }
    if (NAME_KEYED.contains(field)) {
      return NAME;
    }
    Path parent = listPath.parent();
    switch (field) {
      case "volumeMounts":
        return MOUNT_PATH;
      case "volumeDevices":
        return DEVICE_PATH;
      case "hostAliases":
        return IP;
      case "topologySpreadConstraints":
        return TOPOLOGY;
      case "readinessGates":
        return CONDITION_TYPE;
      case "conditions":
        return TYPE;
      case "volumeClaimTemplates":
        return METADATA_NAME;
      case "claims":
        return "resources".equals(parent.memberName()) ? NAME : null;
      case "ports":
        if (parent.isIndex() && isContainerList(parent.parent().memberName())) {
          return CONTAINER_PORT;
        }
        if (ref.group().isEmpty()
            && "Service".equals(ref.kind())
            && "/spec/ports".equals(listPath.pointer())) {
          return SERVICE_PORT;
        }
        return null;
      default:
        return null;
    }
  }

  private static boolean isContainerList(String name) {
    return name != null && CONTAINER_LISTS.contains(name);
  }

  private static Pairing byKey(Key key, Path listPath, ArrayNode desired, ArrayNode live)
      throws NotComparableException {
    Map<String, Integer> liveByKey = new HashMap<>(live.size() * 2);
    for (int i = 0; i < live.size(); i++) {
      String k = key.of(live.get(i));
      if (k != null) {
        liveByKey.put(k, i); // the last duplicate wins, as it does in the running object
      }
    }
    int[] indices = new int[desired.size()];
    Map<String, Integer> seen = new HashMap<>(desired.size() * 2);
    for (int i = 0; i < desired.size(); i++) {
      String k = key.of(desired.get(i));
      if (k == null) {
        throw new NotComparableException(
            listPath.index(i).pointer()
                + " has no "
                + key.describe()
                + ", the key its list is matched by");
      }
      if (seen.put(k, i) != null) {
        throw new NotComparableException(
            listPath.pointer()
                + " has two items with "
                + key.describe()
                + " "
                + key.readable(k)
                + " (server-side apply rejects such a list too)");
      }
      Integer li = liveByKey.get(k);
      indices[i] = li == null ? -1 : li;
    }
    return new Pairing(true, indices);
  }

  private static boolean allNamed(ArrayNode items) {
    if (items.isEmpty()) {
      return true;
    }
    for (JsonNode item : items) {
      JsonNode name = item.get("name");
      if (!item.isObject() || name == null || !name.isTextual() || name.asText().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static Pairing byNameIfUnique(ArrayNode desired, ArrayNode live) {
    if (desired.isEmpty()) {
      return new Pairing(true, new int[0]);
    }
    Map<String, Integer> liveByName = new HashMap<>(live.size() * 2);
    for (int i = 0; i < live.size(); i++) {
      if (liveByName.put(live.get(i).get("name").asText(), i) != null) {
        return null;
      }
    }
    int[] indices = new int[desired.size()];
    Map<String, Integer> seen = new HashMap<>(desired.size() * 2);
    for (int i = 0; i < desired.size(); i++) {
      String name = desired.get(i).get("name").asText();
      if (seen.put(name, i) != null) {
        return null;
      }
      Integer li = liveByName.get(name);
      indices[i] = li == null ? -1 : li;
    }
    return new Pairing(true, indices);
  }

  private static Pairing byPosition(int desiredSize, int liveSize) {
    int[] indices = new int[desiredSize];
    for (int i = 0; i < desiredSize; i++) {
      indices[i] = i < liveSize ? i : -1;
    }
    return new Pairing(false, indices);
  }

  /** A key made of one or more fields, each possibly with a default. */
  private record Key(String[][] fields, String[] defaults) {

    /** The key of an item as one string, or {@code null} when a field without default is absent. */
    String of(JsonNode item) {
      if (!item.isObject()) {
        return null;
      }
      if (fields.length == 1) {
        return value(item, 0);
      }
      StringBuilder sb = new StringBuilder();
      for (int f = 0; f < fields.length; f++) {
        String v = value(item, f);
        if (v == null) {
          return null;
        }
        if (f > 0) {
          sb.append('\u0000');
        }
        sb.append(v);
      }
      return sb.toString();
    }

    private String value(JsonNode item, int f) {
      JsonNode node = item;
      for (String step : fields[f]) {
        node = node.get(step);
        if (node == null) {
          break;
        }
      }
      if (node == null || node.isNull() || node.isContainerNode() || node.asText().isEmpty()) {
        return defaults[f];
      }
      // asText: 8080 and "8080" are the same key, as the numbers normaliser treats them.
      return node.asText();
    }

    String describe() {
      StringBuilder sb = new StringBuilder();
      for (int f = 0; f < fields.length; f++) {
        if (f > 0) {
          sb.append(" + ");
        }
        sb.append(String.join(".", fields[f]));
      }
      return sb.toString();
    }

    String readable(String key) {
      return "'" + key.replace('\u0000', '/') + "'";
    }
  }
}
