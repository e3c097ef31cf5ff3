package dev.opsledger.sandbox.kubernetes;

import static dev.opsledger.sandbox.kubernetes.TestObjects.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KubernetesEmulatorCrudIT {

  private static KubernetesEmulator emulator;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    emulator = KubernetesEmulator.builder().start();
    client = emulator.client();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void createsReadsUpdatesAndDeletesObjects() {
    ConfigMap created = client.configMaps().resource(configMap("crud", "a", "1")).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();

    ConfigMap updated =
        client
            .configMaps()
            .inNamespace("crud")
            .withName("a")
            .edit(
                cm -> {
                  cm.getData().put("k", "2");
                  return cm;
                });
    assertThat(updated.getData()).containsEntry("k", "2");
    assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
    assertThat(updated.getMetadata().getManagedFields())
        .anySatisfy(entry -> assertThat(entry.getOperation()).isEqualTo("Update"));

    assertThat(client.configMaps().inNamespace("crud").withLabel("app", "test").list().getItems())
        .extracting(cm -> cm.getMetadata().getName())
        .containsExactly("a");

    client.configMaps().inNamespace("crud").withName("a").delete();
    assertThat(client.configMaps().inNamespace("crud").withName("a").get()).isNull();
  }

  @Test
  void mergePatchRemovesNullFieldsAndReplacesLists() {
    client.configMaps().resource(configMap("crud", "patched", "1")).create();

    ConfigMap patched =
        client
            .configMaps()
            .inNamespace("crud")
            .withName("patched")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"app\":null,\"tier\":\"web\"}},\"data\":{\"x\":\"y\"}}");

    assertThat(patched.getMetadata().getLabels())
        .containsExactly(java.util.Map.entry("tier", "web"));
    assertThat(patched.getData()).containsEntry("k", "1").containsEntry("x", "y");
  }

  @Test
  void informersSeeAddsUpdatesAndDeletes() {
    List<String> events = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer =
        client.configMaps().inNamespace("informed").inform(recorder(events), 0);
    try {
      client.configMaps().resource(configMap("informed", "a", "1")).create();
      client
          .configMaps()
          .inNamespace("informed")
          .withName("a")
          .edit(
              cm -> {
                cm.getData().put("k", "2");
                return cm;
              });
      client
          .configMaps()
          .resource(configMap("informed", "a", "3"))
          .fieldManager("test")
          .forceConflicts()
          .serverSideApply();
      client.configMaps().inNamespace("informed").withName("a").delete();

      await("the informer hears of the add, both updates and the delete")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(events)
                      .containsExactly("ADDED a=1", "MODIFIED a=2", "MODIFIED a=3", "DELETED a=3"));
      assertThat(informer.getStore().list()).isEmpty();
    } finally {
      informer.close();
    }
  }

  static ResourceEventHandler<ConfigMap> recorder(List<String> events) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap cm) {
        events.add("ADDED " + describe(cm));
      }

      @Override
      public void onUpdate(ConfigMap old, ConfigMap cm) {
        if (!old.getMetadata().getResourceVersion().equals(cm.getMetadata().getResourceVersion())) {
          events.add("MODIFIED " + describe(cm));
        }
      }

      @Override
      public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
        events.add("DELETED " + describe(cm));
      }
    };
  }

  private static String describe(ConfigMap cm) {
    return cm.getMetadata().getName() + "=" + cm.getData().get("k");
  }
}
