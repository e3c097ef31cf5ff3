package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.tree.NotComparableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultsNormalizerTest {

  private final DefaultsNormalizer normalizer = new DefaultsNormalizer();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "nginx, Always",
    "nginx:latest, Always",
    "registry.example:5000/team/app, Always",
    "registry.example:5000/team/app:1.2, IfNotPresent",
    "nginx:1.27, IfNotPresent",
    "nginx@sha256:0d4b0a1c, IfNotPresent"
  })
  void imagePullPolicyFollowsTheApiServersRule(String image, String policy) {
    assertThat(ApiServerDefaults.imagePullPolicyFor(image)).isEqualTo(policy);
  }

  @Test
  void fillsContainerAndPodDefaultsWhereTheLiveObjectLacksThem() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%}}
              template:
                spec:
                  dnsPolicy: ClusterFirst
                  containers:
                    - name: web
                      image: web:latest
                      imagePullPolicy: Always
                      terminationMessagePolicy: File
                      ports: [{containerPort: 80, protocol: TCP}]
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
                      image: web:latest
                      ports: [{containerPort: 80}]
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(c.live().at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
    assertThat(c.live().at("/spec/strategy/rollingUpdate").has("maxUnavailable"))
        .as("only what the manifest sets is filled in")
        .isFalse();
    assertThat(c.live().at("/spec/template/spec/dnsPolicy").asText()).isEqualTo("ClusterFirst");
    assertThat(c.live().at("/spec/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("Always");
    assertThat(c.live().at("/spec/template/spec/containers/0/terminationMessagePolicy").asText())
        .isEqualTo("File");
    assertThat(c.live().at("/spec/template/spec/containers/0/ports/0/protocol").asText())
        .isEqualTo("TCP");
  }

  @Test
  void neverOverwritesALiveValue() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec: {revisionHistoryLimit: 10}
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec: {revisionHistoryLimit: 3}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/revisionHistoryLimit").asInt()).isEqualTo(3);
  }

  @Test
  void aServiceTargetPortDefaultsToItsPort() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80, targetPort: 80, protocol: TCP}], type: ClusterIP}
            """,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}]}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
    assertThat(c.live().at("/spec/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(c.live().at("/spec/type").asText()).isEqualTo("ClusterIP");
  }

  @Test
  void anEmptyAllocatedServiceFieldMatchesWhateverWasAllocated() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              clusterIP: ""
              clusterIPs: [""]
              ports: [{port: 80, nodePort: 0}]
            """,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              clusterIP: 10.96.0.12
              clusterIPs: [10.96.0.12]
              ports: [{port: 80, nodePort: 30080, protocol: TCP}]
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/clusterIP").asText()).isEmpty();
    assertThat(c.live().at("/spec/clusterIPs/0").asText()).isEmpty();
    assertThat(c.live().at("/spec/ports/0/nodePort").asInt()).isZero();
  }

  @Test
  void aChosenClusterIpIsNotAnAllocationRequest() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {clusterIP: None}
            """,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {clusterIP: 10.96.0.12}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/clusterIP").asText()).isEqualTo("10.96.0.12");
  }

  @Test
  void leavesKindsWithoutKnownDefaultsAlone() throws NotComparableException {
    String cr =
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec: {replicas: 1}
        """;
    Comparison c =
        Comparisons.of(
            cr,
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {}
            """);

    normalizer.normalize(c);

    assertThat(c.live().at("/spec").has("replicas")).isFalse();
  }
}
