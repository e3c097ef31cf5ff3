package dev.opsledger.collector.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.HealthStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelHealthRulesTest {

  private static final String PREFIX = "opsledger.state-collector.health.rules";

  /** Argo Rollouts-like custom resource: healthy when its phase says so. */
  private static final CelHealthRules ROLLOUTS =
      CelHealthRules.compile(
          List.of(
              new CelHealthRules.Rule(
                  "argoproj.io",
                  "Rollout",
                  Map.of(
                      HealthStatus.DEGRADED, "object.status.phase == 'Degraded'",
                      HealthStatus.SUSPENDED,
                          "has(object.spec.paused) && object.spec.paused == true",
                      HealthStatus.HEALTHY,
                          "object.status.phase == 'Healthy'"
                              + " && object.status.readyReplicas >= object.spec.replicas"))),
          PREFIX);

  @Test
  void aCustomRuleDecidesTheHealthOfItsKindFromTheLiveObject() {
    assertThat(health(rollout("Healthy", 3, false)).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(health(rollout("Degraded", 3, false)).status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health(rollout("Healthy", 3, true)).status()).isEqualTo(HealthStatus.SUSPENDED);
    Health notYet = health(rollout("Healthy", 1, false));
    assertThat(notYet.status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(notYet.reason()).isEqualTo(CelHealthRules.REASON);
  }

  @Test
  void aCustomRuleReplacesTheBuiltInRuleOfItsKindOnly() {
    CelHealthRules rules =
        CelHealthRules.compile(
            List.of(
                new CelHealthRules.Rule(
                    "apps",
                    "Deployment",
                    Map.of(HealthStatus.HEALTHY, "object.metadata.name == 'web'"))),
            PREFIX);
    HealthAssessor assessor = new HealthAssessor(rules);

    // No status at all: the built-in rule would say Progressing.
    Health deployment =
        assessor.assess(
            json(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                    + "\"metadata\":{\"name\":\"web\",\"generation\":1},\"spec\":{}}"));
    Health statefulSet =
        assessor.assess(
            json(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\","
                    + "\"metadata\":{\"name\":\"web\",\"generation\":1},\"spec\":{}}"));

    assertThat(deployment.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(statefulSet.status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(statefulSet.reason()).isEqualTo("StatefulSetRollout");
  }

  @Test
  void anExpressionThatCannotBeEvaluatedMakesTheObjectUnknownNotTheCollectorFail() {
    // status.phase read without has() on an object that has no status yet
    Health health =
        health(
            json(
                "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\","
                    + "\"metadata\":{\"name\":\"r\"},\"spec\":{\"replicas\":1}}"));

    assertThat(health.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(health.message()).startsWith("degraded rule could not be evaluated");
  }

  @Test
  void anExpressionThatDoesNotParseIsAStartUpErrorNamingItsProperty() {
    assertThatThrownBy(() -> compile("Rollout", HealthStatus.DEGRADED, "object.status.phase == "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(PREFIX + "[0].degraded: not a boolean CEL expression");
  }

  @Test
  void anExpressionThatIsNotABooleanIsAStartUpError() {
    assertThatThrownBy(
            () -> compile("Rollout", HealthStatus.HEALTHY, "'phase ' + object.status.phase"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(PREFIX + "[0].healthy: not a boolean CEL expression");
  }

  @Test
  void anExpressionOverAnUndeclaredVariableIsAStartUpError() {
    assertThatThrownBy(() -> compile("Rollout", HealthStatus.HEALTHY, "self.status.ready"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("self");
  }

  @Test
  void aRuleWithoutKindOrExpressionOrTwiceForOneKindIsAStartUpError() {
    assertThatThrownBy(() -> compile(" ", HealthStatus.HEALTHY, "true"))
        .hasMessage(PREFIX + "[0].kind: a health rule needs a kind");
    assertThatThrownBy(
            () ->
                CelHealthRules.compile(
                    List.of(new CelHealthRules.Rule("x.io", "Thing", Map.of())), PREFIX))
        .hasMessageStartingWith(PREFIX + "[0]: a health rule needs at least one of");
    CelHealthRules.Rule rule =
        new CelHealthRules.Rule("x.io", "Thing", Map.of(HealthStatus.HEALTHY, "true"));
    assertThatThrownBy(() -> CelHealthRules.compile(List.of(rule, rule), PREFIX))
        .hasMessage(PREFIX + "[1]: a second health rule for x.io/Thing");
  }

  private static void compile(String kind, HealthStatus status, String expression) {
    CelHealthRules.compile(
        List.of(new CelHealthRules.Rule("argoproj.io", kind, Map.of(status, expression))), PREFIX);
  }

  private static Health health(JsonNode object) {
    return new HealthAssessor(ROLLOUTS).assess(object);
  }

  private static JsonNode rollout(String phase, int ready, boolean paused) {
    return json(
        """
        {"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout",
         "metadata":{"name":"web","namespace":"shop"},
         "spec":{"replicas":3,"paused":%s},
         "status":{"phase":"%s","readyReplicas":%d}}
        """
            .formatted(paused, phase, ready));
  }

  private static JsonNode json(String text) {
    try {
      return EventJson.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
