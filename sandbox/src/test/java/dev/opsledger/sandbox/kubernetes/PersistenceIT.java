package dev.opsledger.sandbox.kubernetes;

import static dev.opsledger.sandbox.kubernetes.TestObjects.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceIT {

  @TempDir Path data;

  @Test
  void objectsSurviveANewEmulatorOnTheSameDirectory() {
    ConfigMap before;
    try (KubernetesEmulator first = KubernetesEmulator.builder().dataDirectory(data).start()) {
      before = first.client().configMaps().resource(configMap("kept", "a", "1")).create();
      first.client().configMaps().resource(configMap("kept", "gone", "1")).create();
      first.client().configMaps().inNamespace("kept").withName("gone").delete();
      first
          .client()
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(TestObjects.widgetDefinition())
          .create();
      first
          .client()
          .genericKubernetesResources("example.com/v1", "Widget")
          .resource(widget("w1"))
          .create();
    }

    try (KubernetesEmulator second = KubernetesEmulator.builder().dataDirectory(data).start()) {
      ConfigMap after = second.client().configMaps().inNamespace("kept").withName("a").get();
      assertThat(after).isEqualTo(before);
      assertThat(second.client().configMaps().inNamespace("kept").withName("gone").get()).isNull();
      assertThat(
              second
                  .client()
                  .genericKubernetesResources("example.com/v1", "Widget")
                  .inNamespace("kept")
                  .withName("w1")
                  .get())
          .isNotNull();
      assertThat(second.client().getApiResources("example.com/v1").getResources())
          .anySatisfy(r -> assertThat(r.getName()).isEqualTo("widgets"));

      ConfigMap created =
          second.client().configMaps().resource(configMap("kept", "b", "1")).create();
      assertThat(Long.parseLong(created.getMetadata().getResourceVersion()))
          .isGreaterThan(Long.parseLong(before.getMetadata().getResourceVersion()));
      assertThat(second.store().list())
          .extracting(o -> o.getMetadata().getUid())
          .doesNotHaveDuplicates();
    }
  }

  private static GenericKubernetesResource widget(String name) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("example.com/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName(name)
        .withNamespace("kept")
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("size", 1)))
        .build();
  }
}
