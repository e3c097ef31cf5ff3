package dev.opsledger.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code depends-on} as a user writes it: a list per source, bound as Spring binds the applier's
 * properties; a cycle or a default for every source stops the applier at start with the setting
 * named.
 */
class DependsOnSettingsTest {

  @Test
  void aListOfSourcesIsBoundAndAcyclicDependenciesAreAccepted() {
    ApplierProperties props =
        bind(
            Map.of(
                "opsledger.applier.sources.shop.depends-on", "platform,network",
                "opsledger.applier.sources.platform.depends-on", "network"));

    assertThat(props.sources().get("shop").dependsOn()).containsExactly("platform", "network");
    assertThat(ApplierConfiguration.orderGate(props).active()).isTrue();
  }

  @Test
  void aCycleStopsTheApplierAtStartNamingIt() {
    ApplierProperties props =
        bind(
            Map.of(
                "opsledger.applier.sources.shop.depends-on", "platform",
                "opsledger.applier.sources.platform.depends-on", "shop"));

    assertThatThrownBy(() -> ApplierConfiguration.orderGate(props))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "opsledger.applier.sources.<id>.depends-on: depends-on has a cycle:"
                + " platform -> shop -> platform");
  }

  @Test
  void aSourceThatDependsOnItselfStopsTheApplierAtStart() {
    ApplierProperties props = bind(Map.of("opsledger.applier.sources.shop.depends-on", "shop"));

    assertThatThrownBy(() -> ApplierConfiguration.orderGate(props))
        .hasMessageContaining("shop -> shop");
  }

  @Test
  void aDefaultDependsOnIsRefusedAtStart() {
    ApplierProperties props = bind(Map.of("opsledger.applier.defaults.depends-on", "platform"));

    assertThatThrownBy(() -> ApplierConfiguration.orderGate(props))
        .hasMessage(
            "opsledger.applier.defaults.depends-on is not supported: set depends-on on each source");
  }

  static ApplierProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("opsledger.applier", ApplierProperties.class);
  }
}
