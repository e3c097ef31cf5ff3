package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A write an admission webhook denies is answered as the API server answers it, and not stored. */
class AdmissionIT {

  @Test
  void aDeniedWriteIsAnswered400WithTheWebhooksMessageAndNothingIsStored() {
    Admission deny =
        (method, path, body) ->
            path.endsWith("/configmaps") || path.endsWith("/configmaps/denied")
                ? Optional.of("no configmaps named denied")
                : Optional.empty();
    try (KubernetesEmulator emulator = KubernetesEmulator.builder().admission(deny).start()) {
      var client = emulator.client();
      var denied =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName("denied")
              .withNamespace("default")
              .endMetadata()
              .build();

      assertThatThrownBy(() -> client.configMaps().resource(denied).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(400);
                assertThat(e.getStatus().getMessage())
                    .isEqualTo(
                        "admission webhook \"test.opsledger.dev\" denied the request: no"
                            + " configmaps named denied");
              });
      assertThat(client.configMaps().inNamespace("default").withName("denied").get()).isNull();
    }
  }
}
