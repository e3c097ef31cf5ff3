package dev.opsledger.differ.normalize;

import dev.opsledger.differ.tree.NotComparableException;
import java.util.List;

/**
 * Normalisers applied one after the other, in a fixed order.
 *
 * <p>{@link #standard()} is the order documented in this package's {@code package-info}: each step
 * relies on the ones before it (see there why).
 */
public final class NormalizerChain implements Normalizer {

  private static final NormalizerChain STANDARD =
      new NormalizerChain(
          List.of(
              new ServerSetFieldsNormalizer(),
              new ClusterScopeNormalizer(),
              new IgnoreRulesNormalizer(),
              new SecretsNormalizer(),
              new EmptyCollectionsNormalizer(),
              new DefaultsNormalizer(),
              new QuantityNormalizer(),
              new NumericStringNormalizer()));

  private final List<Normalizer> steps;

  /**
   * A chain of the given steps, applied in list order.
   *
   * @param steps the normalisers
   */
  public NormalizerChain(List<Normalizer> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * The standard chain: server-set, cluster scope, ignore rules, Secrets, empty, defaults,
   * quantities, numbers.
   */
  public static NormalizerChain standard() {
    return STANDARD;
  }

  /** The steps in the order they run. */
  public List<Normalizer> steps() {
    return steps;
  }

  /** Applies every step in order; stops at the first that finds the two not comparable. */
  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    for (Normalizer step : steps) {
      step.normalize(comparison);
    }
  }
}
