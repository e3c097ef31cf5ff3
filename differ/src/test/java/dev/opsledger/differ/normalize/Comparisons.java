package dev.opsledger.differ.normalize;

import dev.opsledger.differ.Fixtures;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;

/** Builds comparisons from YAML for normaliser tests. */
final class Comparisons {

  private Comparisons() {}

  static Comparison of(String desiredYaml, String liveYaml) {
    return of(desiredYaml, liveYaml, IgnoreRules.none());
  }

  static Comparison of(String desiredYaml, String liveYaml, IgnoreRules rules) {
    var desired = Fixtures.yaml(desiredYaml);
    try {
      return new Comparison(
          ManifestRef.of(desired, "desired manifest"), desired, Fixtures.yaml(liveYaml), rules);
    } catch (NotComparableException e) {
      throw new IllegalArgumentException(e.reason(), e);
    }
  }
}
