package dev.opsledger.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API server outage as the reliability campaign stages it: stop, then start on the same etcd.
 */
class ApiServerRestartIT {

  @TempDir Path dir;

  @Test
  void anApiServerStoppedAndStartedAgainServesWhatItHadBefore() throws Exception {
    try (RealKubernetes kube = RealKubernetes.start(Files.createDirectories(dir.resolve("k")))) {
      kube.client()
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("before")
                  .endMetadata()
                  .addToData("k", "v")
                  .build())
          .create();
      KubernetesClient other = kube.client(RealKubernetes.ADMIN);

      kube.stopApiServer();
      assertThatThrownBy(() -> other.configMaps().inNamespace("default").withName("before").get())
          .isInstanceOf(KubernetesClientException.class);
      kube.restartApiServer();

      assertThat(kube.client().configMaps().inNamespace("default").withName("before").get())
          .extracting(cm -> cm.getData().get("k"))
          .isEqualTo("v");
      assertThat(other.configMaps().inNamespace("default").withName("before").get())
          .as("a client from before the outage works again")
          .isNotNull();
      other.close();
    }
  }
}
