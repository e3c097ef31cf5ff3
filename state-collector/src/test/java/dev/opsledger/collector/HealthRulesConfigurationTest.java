package dev.opsledger.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom health rules as configured: a bad one stops the collector at start. */
class HealthRulesConfigurationTest {

  @Test
  void aConfiguredRuleThatDoesNotCompileStopsTheStartNamingItsProperty() {
    var props =
        props(
            new StateCollectorProperties.HealthRule(
                "", "ConfigMap", null, null, null, "object.data.ready == 'yes'"),
            new StateCollectorProperties.HealthRule(
                "example.com", "Database", "object.status.phase = 'Failed'", null, null, null));

    assertThatThrownBy(() -> StateCollectorConfiguration.healthRules(props))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "opsledger.state-collector.health.rules[1].degraded: not a boolean CEL expression");
  }

  @Test
  void configuredRulesAreCompiledForTheirGroupAndKind() {
    var rules =
        StateCollectorConfiguration.healthRules(
            props(
                new StateCollectorProperties.HealthRule(
                    "", "ConfigMap", null, null, null, "object.data.ready == 'yes'")));
    ObjectNode configMap = JsonNodeFactory.instance.objectNode();
    configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
    configMap.putObject("data").put("ready", "no");

    assertThat(rules.covers("", "ConfigMap")).isTrue();
    assertThat(rules.assess(configMap).orElseThrow().status().label()).isEqualTo("Progressing");
  }

  private static StateCollectorProperties props(StateCollectorProperties.HealthRule... rules) {
    return new StateCollectorProperties(
        "/opsledger/state-collector",
        new StateCollectorProperties.Kubernetes(
            List.of(), Duration.ofMinutes(10), Duration.ofSeconds(30), "opsledger"),
        new StateCollectorProperties.Aws(
            List.of(), Duration.ofSeconds(60), Duration.ofMillis(500), 5),
        new StateCollectorProperties.Health(List.of(rules)),
        null);
  }
}
