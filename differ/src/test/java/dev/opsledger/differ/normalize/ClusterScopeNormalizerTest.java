package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterScopeNormalizerTest {

  private final ClusterScopeNormalizer normalizer = new ClusterScopeNormalizer();

  private static final String DESIRED =
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: shop}\n"
          + "spec: {size: 3}\n";

  @Test
  void ignoresTheDesiredNamespaceOfAnObjectLiveWithoutOne() {
    Comparison c =
        Comparisons.of(DESIRED, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n");

    normalizer.normalize(c);

    assertThat(c.desired().get("metadata").has("namespace")).isFalse();
    assertThat(c.desired().at("/spec/size").asInt()).isEqualTo(3);
  }

  @Test
  void keepsTheNamespaceWhenTheLiveObjectHasOneEvenAnotherSoItIsStillCompared() {
    Comparison c =
        Comparisons.of(
            DESIRED,
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: other}\n");

    normalizer.normalize(c);

    assertThat(c.desired().at("/metadata/namespace").asText()).isEqualTo("shop");
  }
}
