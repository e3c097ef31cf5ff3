package dev.opsledger.differ.normalize;

import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ignore rules in force for a diff: typically those of the source that declares the resource.
 *
 * @param rules the rules, in any order (they add up)
 */
public record IgnoreRules(List<IgnoreRule> rules) {

  private static final IgnoreRules NONE = new IgnoreRules(List.of());

  /** Copies the list. */
  public IgnoreRules {
    rules = List.copyOf(rules == null ? List.of() : rules);
  }

  /** No rules. */
  public static IgnoreRules none() {
    return NONE;
  }

  /** The given rules. */
  public static IgnoreRules of(IgnoreRule... rules) {
    return new IgnoreRules(List.of(rules));
  }

  /** The pointers of every rule that applies to an object, in rule order. */
  public List<Path> pathsFor(ManifestRef ref) {
    List<Path> out = new ArrayList<>();
    for (IgnoreRule rule : rules) {
      if (rule.appliesTo(ref)) {
        out.addAll(rule.paths());
      }
    }
    return out;
  }
}
