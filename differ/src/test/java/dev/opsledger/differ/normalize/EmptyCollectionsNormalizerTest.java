package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.tree.NotComparableException;
import org.junit.jupiter.api.Test;

class EmptyCollectionsNormalizerTest {

  private final EmptyCollectionsNormalizer normalizer = new EmptyCollectionsNormalizer();

  @Test
  void emptyMapsListsAndNullsEqualAbsentOrEmptyLiveFields() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, annotations: {}, labels: null}
            spec:
              volumes: []
              securityContext: {}
              containers: [{name: a, image: x, args: []}]
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              securityContext: null
              containers: [{name: a, image: x}]
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/metadata/annotations").isObject()).isTrue();
    assertThat(c.live().at("/metadata/labels").isNull()).isTrue();
    assertThat(c.live().at("/spec/volumes").isArray()).isTrue();
    assertThat(c.live().at("/spec/securityContext").isObject()).isTrue();
    assertThat(c.live().at("/spec/containers/0/args").isArray()).isTrue();
  }

  @Test
  void aDesiredNullAgainstALiveValueStaysADifference() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {nodeSelector: null}
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {nodeSelector: {disktype: ssd}}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/nodeSelector/disktype").asText()).isEqualTo("ssd");
    assertThat(c.desired().at("/spec/nodeSelector").isNull()).isTrue();
  }

  @Test
  void anEmptyDesiredListAgainstALiveListWithItemsIsLeftForTheDiff() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {containers: [{name: a, args: []}]}
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {containers: [{name: a, args: [--verbose]}]}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/containers/0/args/0").asText()).isEqualTo("--verbose");
  }
}
