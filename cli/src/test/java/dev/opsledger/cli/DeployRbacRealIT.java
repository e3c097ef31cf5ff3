package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The RBAC that {@code deploy/kubernetes/base} ships, on a real kube-apiserver, under the tokens
 * the pods would get: the state-collector can read what it observes and cannot write anything; the
 * applier can server-side apply (create and patch), read and delete, and cannot list. So the roles
 * are sufficient for what the services do, and not more. ({@link DeployRbac} installs them.)
 */
@ExtendWith(RealKubernetesExtension.class)
class DeployRbacRealIT {

  private static final String FLEET = DeployRbac.FLEET;

  private static KubernetesClient admin;
  private static RealKubernetes kube;

  @BeforeAll
  static void installTheFleetsRbac() throws IOException {
    kube = RealKubernetesExtension.server();
    admin = kube.client();
    DeployRbac.install(admin);
  }

  @Test
  void stateCollectorReadsWhatItObservesAndCannotWriteIt() {
    String namespace = namespace();
    admin.configMaps().inNamespace(namespace).resource(configMap(namespace, "seen")).create();
    try (KubernetesClient collector = as("opsledger-state-collector")) {
      assertThat(collector.configMaps().inAnyNamespace().list().getItems())
          .extracting(c -> c.getMetadata().getName())
          .contains("seen");
      assertThat(collector.apps().deployments().inAnyNamespace().list()).isNotNull();
      assertThat(collector.configMaps().inNamespace(namespace).withName("seen").get()).isNotNull();
      try (var watch = collector.configMaps().inAnyNamespace().watch(new NoopWatcher())) {
        assertThat(watch).isNotNull();
      }

      assertForbidden(
          () ->
              collector
                  .configMaps()
                  .inNamespace(namespace)
                  .resource(configMap(namespace, "new"))
                  .create());
      assertForbidden(
          () ->
              collector
                  .configMaps()
                  .inNamespace(namespace)
                  .resource(configMap(namespace, "seen"))
                  .fieldManager("opsledger")
                  .forceConflicts()
                  .serverSideApply());
      assertForbidden(
          () -> collector.configMaps().inNamespace(namespace).withName("seen").delete());
    }
  }

  @Test
  void applierAppliesReadsAndPrunesButCannotList() {
    String namespace = namespace();
    try (KubernetesClient applier = as("opsledger-applier")) {
      var resource =
          applier.configMaps().inNamespace(namespace).resource(configMap(namespace, "web"));
      ConfigMap created = resource.fieldManager("opsledger").forceConflicts().serverSideApply();
      assertThat(created.getMetadata().getUid()).isNotEmpty();

      ConfigMap changed = configMap(namespace, "web");
      changed.setData(Map.of("key", "changed"));
      applier
          .configMaps()
          .inNamespace(namespace)
          .resource(changed)
          .fieldManager("opsledger")
          .forceConflicts()
          .serverSideApply();
      assertThat(applier.configMaps().inNamespace(namespace).withName("web").get().getData())
          .containsEntry("key", "changed");
      assertThat(applier.namespaces().withName(namespace).get()).isNotNull();

      assertThat(applier.configMaps().inNamespace(namespace).withName("web").delete()).isNotEmpty();

      assertForbidden(() -> applier.configMaps().inNamespace(namespace).list());
      assertForbidden(
          () ->
              applier
                  .rbac()
                  .clusterRoles()
                  .resource(
                      new ClusterRoleBuilder()
                          .withNewMetadata()
                          .withName("escalate-" + UUID.randomUUID())
                          .endMetadata()
                          .build())
                  .create());
    }
  }

  @Test
  void servicesWithoutAnApiRoleCannotReadAnything() {
    try (KubernetesClient differ = as("opsledger-differ")) {
      assertForbidden(() -> differ.configMaps().inAnyNamespace().list());
      assertForbidden(() -> differ.namespaces().withName(FLEET).get());
    }
  }

  /** A client with a token of the fleet's ServiceAccount, as the pod would have mounted. */
  private static KubernetesClient as(String serviceAccount) {
    Config config =
        new ConfigBuilder(kube.config(RealKubernetes.ADMIN))
            .withOauthToken(DeployRbac.token(admin, serviceAccount, 600))
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }

  private static String namespace() {
    String name = "rbac-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static ConfigMap configMap(String namespace, String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withData(Map.of("key", "value"))
        .build();
  }

  private static final class NoopWatcher
      implements io.fabric8.kubernetes.client.Watcher<ConfigMap> {
    @Override
    public void eventReceived(Action action, ConfigMap resource) {}

    @Override
    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
  }
}
