package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.tree.NotComparableException;
import org.junit.jupiter.api.Test;

class QuantityNormalizerTest {

  private final QuantityNormalizer normalizer = new QuantityNormalizer();

  @Test
  void resourceQuantitiesOfTheSameValueReadAsTheManifestWritesThem() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      resources:
                        requests: {cpu: 0.5, memory: 1024Mi}
                        limits: {cpu: "2", memory: 2Gi, nvidia.com/gpu: 1}
                  volumes:
                    - name: cache
                      emptyDir: {sizeLimit: 1Gi}
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      resources:
                        requests: {cpu: 500m, memory: 1Gi}
                        limits: {cpu: 2000m, memory: 3Gi, nvidia.com/gpu: "1"}
                  volumes:
                    - name: cache
                      emptyDir: {sizeLimit: 1024Mi}
            """);

    normalizer.normalize(c);

    String r = "/spec/template/spec/containers/0/resources";
    assertThat(c.live().at(r + "/requests/cpu")).isEqualTo(c.desired().at(r + "/requests/cpu"));
    assertThat(c.live().at(r + "/requests/memory").asText()).isEqualTo("1024Mi");
    assertThat(c.live().at(r + "/limits/cpu").asText()).isEqualTo("2");
    assertThat(c.live().at(r + "/limits/memory").asText()).as("a real change").isEqualTo("3Gi");
    assertThat(c.live().at(r + "/limits/nvidia.com~1gpu").isNumber()).isTrue();
    assertThat(c.live().at("/spec/template/spec/volumes/0/emptyDir/sizeLimit").asText())
        .isEqualTo("1Gi");
  }

  @Test
  void hpaTargetValuesAreQuantities() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              metrics:
                - type: Pods
                  pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 1k}}
            """,
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              metrics:
                - type: Pods
                  pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "1000"}}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/metrics/0/pods/target/averageValue").asText()).isEqualTo("1k");
  }

  @Test
  void textThatLooksLikeAQuantityElsewhereIsLeftAlone() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {memory: 1Gi}
            """,
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {memory: 1024Mi}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/data/memory").asText()).isEqualTo("1024Mi");
  }

  @Test
  void aLabelValueIsNotAQuantity() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labels: {size: 1k}}
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labels: {size: "1000"}}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/metadata/labels/size").asText()).isEqualTo("1000");
  }
}
