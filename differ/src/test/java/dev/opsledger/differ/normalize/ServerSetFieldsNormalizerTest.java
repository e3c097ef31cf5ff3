package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerSetFieldsNormalizerTest {

  private final ServerSetFieldsNormalizer normalizer = new ServerSetFieldsNormalizer();

  private static final String EXPORTED =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
        uid: 0f4c5a1e-7b2d-4c8e-9a31-5d2f0e6b7c41
        resourceVersion: "4811229"
        generation: 5
        creationTimestamp: "2025-01-14T09:21:07Z"
        selfLink: /apis/apps/v1/namespaces/shop/deployments/web
        managedFields:
          - manager: opsledger
            operation: Apply
        annotations:
          deployment.kubernetes.io/revision: "3"
          kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"cGxhaW4="}}'
          team.example.com/owner: checkout
        labels:
          app: web
      spec:
        replicas: 3
        template:
          metadata:
            creationTimestamp: null
            labels:
              app: web
      status:
        replicas: 3
      """;

  @Test
  void dropsServerSetMetadataStatusAndServerAnnotationsFromBothSides() {
    Comparison c = Comparisons.of(EXPORTED, EXPORTED);

    normalizer.normalize(c);

    for (var doc : new com.fasterxml.jackson.databind.JsonNode[] {c.desired(), c.live()}) {
      assertThat(doc.has("status")).isFalse();
      assertThat(doc.get("metadata").has("uid")).isFalse();
      assertThat(doc.get("metadata").has("resourceVersion")).isFalse();
      assertThat(doc.get("metadata").has("generation")).isFalse();
      assertThat(doc.get("metadata").has("creationTimestamp")).isFalse();
      assertThat(doc.get("metadata").has("selfLink")).isFalse();
      assertThat(doc.get("metadata").has("managedFields")).isFalse();
      assertThat(doc.at("/metadata/annotations").size()).isEqualTo(1);
      assertThat(doc.at("/metadata/annotations/team.example.com~1owner").asText())
          .isEqualTo("checkout");
      assertThat(doc.at("/spec/template/metadata").has("creationTimestamp")).isFalse();
    }
  }

  @Test
  void keepsEverythingTheUserDeclares() {
    Comparison c = Comparisons.of(EXPORTED, EXPORTED);

    normalizer.normalize(c);

    assertThat(c.desired().at("/metadata/name").asText()).isEqualTo("web");
    assertThat(c.desired().at("/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(c.desired().at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(c.desired().at("/spec/template/metadata/labels/app").asText()).isEqualTo("web");
  }

  @Test
  void dropsStatusOfStatefulSetClaimTemplatesButNotOfOtherSpecFields() {
    String sts =
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          volumeClaimTemplates:
            - metadata: {name: data, creationTimestamp: null}
              spec: {accessModes: [ReadWriteOnce]}
              status: {phase: Pending}
        """;
    Comparison c = Comparisons.of(sts, sts);

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec/volumeClaimTemplates/0").has("status")).isFalse();
    assertThat(c.desired().at("/spec/volumeClaimTemplates/0/metadata").has("creationTimestamp"))
        .isFalse();
    assertThat(c.desired().at("/spec/volumeClaimTemplates/0/spec/accessModes/0").asText())
        .isEqualTo("ReadWriteOnce");
  }
}
