package dev.opsledger.differ.normalize;

import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A user's rule: "for these objects, do not compare the fields at these JSON pointers". The usual
 * case is a field a controller owns, e.g. {@code /spec/replicas} of a Deployment that a
 * HorizontalPodAutoscaler scales.
 *
 * <p>Pointers follow RFC 6901 and address the desired manifest; a token {@code *} stands for every
 * member of an object or every item of a list (e.g. <code>
 * /spec/template/spec/containers/&#42;/resources</code>). Items of a list of named items are
 * addressed by their position in the desired manifest.
 *
 * @param apiGroup the API group ({@code ""} for the core group, {@code *} or {@code null} for any)
 * @param kind the kind ({@code *} or {@code null} for any)
 * @param namespace a namespace, or a glob with {@code *}; {@code null} for any
 * @param name a name, or a glob with {@code *}; {@code null} for any
 * @param jsonPointers the fields not to compare; at least one
 */
public record IgnoreRule(
    String apiGroup, String kind, String namespace, String name, List<String> jsonPointers) {

  /** Checks the pointers. */
  public IgnoreRule {
    if (jsonPointers == null || jsonPointers.isEmpty()) {
      throw new IllegalArgumentException("an ignore rule names at least one JSON pointer");
    }
    jsonPointers = List.copyOf(jsonPointers);
    for (String p : jsonPointers) {
      if (p == null || p.isEmpty() || p.charAt(0) != '/') {
        throw new IllegalArgumentException(
            "an ignore rule's JSON pointer starts with '/': '" + p + "'");
      }
    }
  }

  /** A rule for every object of one kind. */
  public static IgnoreRule forKind(String apiGroup, String kind, String... jsonPointers) {
    return new IgnoreRule(apiGroup, kind, null, null, List.of(jsonPointers));
  }

  /** Whether this rule applies to an object. */
  public boolean appliesTo(ManifestRef ref) {
    return (apiGroup == null || "*".equals(apiGroup) || apiGroup.equals(ref.group()))
        && (kind == null || "*".equals(kind) || kind.equals(ref.kind()))
        && globMatches(namespace, ref.namespace())
        && globMatches(name, ref.name());
  }

  /** The pointers, parsed. */
  public List<Path> paths() {
    return jsonPointers.stream().map(Path::parse).toList();
  }

  private static boolean globMatches(String glob, String value) {
    if (glob == null || "*".equals(glob)) {
      return true;
    }
    if (glob.indexOf('*') < 0) {
      return glob.equals(value);
    }
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return value.matches(regex.toString());
  }
}
