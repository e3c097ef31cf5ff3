package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NormalizerChainTest {

  @Test
  void theStandardChainRunsInTheDocumentedOrder() {
    assertThat(NormalizerChain.standard().steps())
        .extracting(step -> step.getClass().getSimpleName())
        .containsExactly(
            "ServerSetFieldsNormalizer",
            "ClusterScopeNormalizer",
            "IgnoreRulesNormalizer",
            "SecretsNormalizer",
            "EmptyCollectionsNormalizer",
            "DefaultsNormalizer",
            "QuantityNormalizer",
            "NumericStringNormalizer");
  }

  @Test
  void stepsRunOneAfterTheOther() throws Exception {
    StringBuilder order = new StringBuilder();
    NormalizerChain chain =
        new NormalizerChain(
            java.util.List.of(
                c -> order.append("a"), c -> order.append("b"), c -> order.append("c")));

    chain.normalize(Comparisons.of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}", "{}"));

    assertThat(order).hasToString("abc");
  }
}
