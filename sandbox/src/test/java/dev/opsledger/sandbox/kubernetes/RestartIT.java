package dev.opsledger.sandbox.kubernetes;

import static dev.opsledger.sandbox.kubernetes.TestObjects.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** "API server outage" support: stop, change the store meanwhile, start on the same port. */
class RestartIT {

  private KubernetesEmulator emulator;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    emulator = KubernetesEmulator.builder().start();
    client = emulator.client();
  }

  @AfterEach
  void close() {
    emulator.close();
  }

  @Test
  void keepsObjectsAndPortAcrossAStopAndStart() {
    client.configMaps().resource(configMap("restart", "kept", "1")).create();
    int port = emulator.port();

    emulator.stop();
    assertThat(emulator.isRunning()).isFalse();
    try (KubernetesClient impatient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(emulator.clientConfig()).withRequestRetryBackoffLimit(0).build())
            .build()) {
      assertThatThrownBy(() -> impatient.configMaps().inNamespace("restart").withName("kept").get())
          .isInstanceOf(KubernetesClientException.class);
    }

    emulator.start();
    assertThat(emulator.port()).isEqualTo(port);
    assertThat(client.configMaps().inNamespace("restart").withName("kept").get().getData())
        .containsEntry("k", "1");
  }

  @Test
  void informersCatchUpWithChangesMadeWhileStopped() {
    client.configMaps().resource(configMap("outage", "deleted", "1")).create();
    client.configMaps().resource(configMap("outage", "changed", "1")).create();
    List<String> events = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer =
        client
            .configMaps()
            .inNamespace("outage")
            .inform(KubernetesEmulatorCrudIT.recorder(events), 0);
    try {
      emulator.stop();
      assertThat(emulator.store().delete("v1", "ConfigMap", "outage", "deleted")).isTrue();
      emulator.store().put(configMap("outage", "changed", "2"));
      emulator.store().put(configMap("outage", "added", "1"));
      emulator.start();

      await("the informer lists again after the outage")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(informer.getStore().list())
                    .extracting(cm -> cm.getMetadata().getName() + "=" + cm.getData().get("k"))
                    .containsExactlyInAnyOrder("changed=2", "added=1");
                // Handlers hear of a change just after the store has it.
                assertThat(events)
                    .contains("DELETED deleted=1", "MODIFIED changed=2", "ADDED added=1");
              });
    } finally {
      informer.close();
    }
  }

  @Test
  void theStoreCanBeReadAndChangedWhileStopped() {
    emulator.stop();

    emulator.store().put(configMap("offline", "a", "1"));

    assertThat(emulator.store().get("v1", "ConfigMap", "offline", "a"))
        .hasValueSatisfying(cm -> assertThat(cm.getMetadata().getUid()).isNotBlank());
    assertThat(emulator.store().list()).hasSize(1);
    assertThat(emulator.store().delete("v1", "ConfigMap", "offline", "missing")).isFalse();
  }
}
