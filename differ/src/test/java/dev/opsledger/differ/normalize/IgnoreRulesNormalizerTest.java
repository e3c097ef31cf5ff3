package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.tree.NotComparableException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesNormalizerTest {

  private final IgnoreRulesNormalizer normalizer = new IgnoreRulesNormalizer();

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 3
        template:
          spec:
            containers:
              - {name: web, image: "web:1", resources: {limits: {cpu: "1"}}}
              - {name: proxy, image: "proxy:1", resources: {limits: {cpu: 100m}}}
            tolerations:
              - {key: a, operator: Exists}
              - {key: b, operator: Exists}
      """;

  private static final String LIVE =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 7
        template:
          spec:
            containers:
              - {name: proxy, image: "proxy:2", resources: {limits: {cpu: 200m}}}
              - {name: web, image: "web:1", resources: {limits: {cpu: "2"}}}
            tolerations:
              - {key: a, operator: Exists}
              - {key: z, operator: Exists}
      """;

  @Test
  void removesAnIgnoredFieldFromTheDesiredManifestOnly() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            DEPLOYMENT,
            LIVE,
            IgnoreRules.of(IgnoreRule.forKind("apps", "Deployment", "/spec/replicas")));

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec").has("replicas")).isFalse();
    assertThat(c.live().at("/spec/replicas").asInt()).isEqualTo(7);
  }

  @Test
  void aWildcardMatchesEveryNamedItemWhereverItIsLive() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            DEPLOYMENT,
            LIVE,
            IgnoreRules.of(
                IgnoreRule.forKind(
                    "apps", "Deployment", "/spec/template/spec/containers/*/resources")));

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec/template/spec/containers/0").has("resources")).isFalse();
    assertThat(c.desired().at("/spec/template/spec/containers/1").has("resources")).isFalse();
    assertThat(c.desired().at("/spec/template/spec/containers/1/image").asText())
        .isEqualTo("proxy:1");
  }

  @Test
  void anIgnoredNamedItemIsRemovedFromTheDesiredList() throws NotComparableException {
    Comparison c =
        Comparisons.of(
            DEPLOYMENT,
            LIVE,
            IgnoreRules.of(
                IgnoreRule.forKind("apps", "Deployment", "/spec/template/spec/containers/1")));

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec/template/spec/containers").size()).isEqualTo(1);
    assertThat(c.desired().at("/spec/template/spec/containers/0/name").asText()).isEqualTo("web");
    assertThat(c.live().at("/spec/template/spec/containers").size()).isEqualTo(2);
  }

  @Test
  void anIgnoredPositionalItemIsMadeEqualInsteadOfShiftingTheOthers()
      throws NotComparableException {
    Comparison c =
        Comparisons.of(
            DEPLOYMENT,
            LIVE,
            IgnoreRules.of(
                IgnoreRule.forKind("apps", "Deployment", "/spec/template/spec/tolerations/1")));

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec/template/spec/tolerations").size()).isEqualTo(2);
    assertThat(c.live().at("/spec/template/spec/tolerations/1/key").asText()).isEqualTo("b");
  }

  @Test
  void aRuleAppliesOnlyToTheKindAndNamesItSelects() throws NotComparableException {
    IgnoreRules rules =
        new IgnoreRules(
            List.of(
                IgnoreRule.forKind("apps", "StatefulSet", "/spec/replicas"),
                new IgnoreRule("apps", "Deployment", "shop", "api-*", List.of("/spec/replicas")),
                new IgnoreRule("", "Deployment", null, null, List.of("/spec/replicas"))));
    Comparison c = Comparisons.of(DEPLOYMENT, LIVE, rules);

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec/replicas").asInt()).isEqualTo(3);
  }

  @Test
  void aNameGlobSelectsMatchingObjects() throws NotComparableException {
    IgnoreRules rules =
        IgnoreRules.of(
            new IgnoreRule("apps", "Deployment", "sh*", "w*b", List.of("/spec/replicas")));
    Comparison c = Comparisons.of(DEPLOYMENT, LIVE, rules);

    normalizer.normalize(c);

    assertThat(c.desired().at("/spec").has("replicas")).isFalse();
  }
}
