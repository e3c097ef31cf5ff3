package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ignore rules a manifest carries for itself, in its {@value #IGNORE_DIFFERENCES} annotation, added
 * to the configured ones for that one resource.
 *
 * <p>The value lists JSON pointers, one per line or separated by commas, or as a JSON array of
 * strings; each is checked like a configured rule's pointer ({@link IgnoreRule}: it starts with
 * {@code /}, a {@code *} token stands for every member or item) and must escape {@code ~} as RFC
 * 6901 says ({@code ~0}, {@code ~1}). A value that breaks these rules makes the resource not
 * comparable: the differ records a {@code DiffFailed} naming the annotation and the pointer, rather
 * than comparing fields the user meant to ignore.
 *
 * <p>OpsLedger's instruction annotations are never compared, in either direction: {@value
 * #IGNORE_DIFFERENCES} itself, and {@value #SYNC_POLICY}, which a {@code detect} resource carries
 * in Git and never gets live (the applier writes nothing for it), so comparing it would report
 * drift forever. They speak to OpsLedger, which reads them from Git, not from the cluster.
 */
public final class AnnotatedIgnoreRules {

  /** The annotation that lists a resource's own ignored JSON pointers. */
  public static final String IGNORE_DIFFERENCES = "opsledger.dev/ignore-differences";

  /** The applier's sync policy annotation ({@code auto}, {@code manual}, {@code detect}). */
  public static final String SYNC_POLICY = "opsledger.dev/sync-policy";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> INSTRUCTIONS =
      List.of(pointerTo(IGNORE_DIFFERENCES), pointerTo(SYNC_POLICY));

  private AnnotatedIgnoreRules() {}

  /**
   * The rules in force for one desired manifest: the configured ones, plus one for this resource
   * with its annotation's pointers and OpsLedger's instruction annotations.
   *
   * @param configured the configured rules
   * @param ref what the manifest names
   * @param desired the desired manifest
   * @throws NotComparableException when the annotation is not text or names a malformed pointer
   */
  public static IgnoreRules forManifest(IgnoreRules configured, ManifestRef ref, JsonNode desired)
      throws NotComparableException {
    List<String> pointers = new ArrayList<>(INSTRUCTIONS);
    pointers.addAll(pointers(desired.path("metadata").path("annotations").get(IGNORE_DIFFERENCES)));
    List<IgnoreRule> rules = new ArrayList<>(configured.rules());
    rules.add(new IgnoreRule(ref.group(), ref.kind(), ref.namespace(), ref.name(), pointers));
    return new IgnoreRules(rules);
  }

  /** The pointers an annotation value lists, checked. */
  static List<String> pointers(JsonNode value) throws NotComparableException {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return List.of();
    }
    if (!value.isTextual()) {
      throw bad("its value is not text");
    }
    String text = value.asText().strip();
    List<String> out = new ArrayList<>();
    for (String entry : entries(text)) {
      String p = entry.strip();
      if (!p.isEmpty()) {
        out.add(check(p));
      }
    }
    return out;
  }

  private static List<String> entries(String text) throws NotComparableException {
    if (!text.startsWith("[")) {
      return List.of(text.split("[,\\n]", -1));
    }
    JsonNode array;
    try {
      array = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad("it starts with '[' but is not a JSON array");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        throw bad("its JSON array holds " + item.getNodeType() + ", not a pointer");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static String check(String pointer) throws NotComparableException {
    if (pointer.charAt(0) != '/') {
      throw bad("'" + shown(pointer) + "' is not a JSON pointer (it must start with '/')");
    }
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~'
          && (i + 1 >= pointer.length()
              || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
        throw bad(
            "'" + shown(pointer) + "' is not a JSON pointer ('~' must be written ~0, '/' ~1)");
      }
    }
    return pointer;
  }

  /** Pointers are the user's text: shown, but bounded, so a huge value cannot flood the log. */
  private static String shown(String pointer) {
    return pointer.length() <= 200 ? pointer : pointer.substring(0, 200) + "…";
  }

  private static NotComparableException bad(String why) {
    return new NotComparableException("annotation " + IGNORE_DIFFERENCES + ": " + why);
  }

  private static String pointerTo(String annotation) {
    return "/metadata/annotations/" + annotation.replace("~", "~0").replace("/", "~1");
  }
}
