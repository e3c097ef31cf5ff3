package dev.opsledger.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealKubernetesExtension.class)
class RealKubernetesIT {

  final String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void servesThePinnedKubernetesReleaseOverTls(RealKubernetes kube) {
    assertThat(kube.url()).startsWith("https://127.0.0.1:");
    assertThat(kube.version()).matches("v1\\.\\d+\\.\\d+");
    assertThat(kube.startTime()).isPositive();
  }

  @Test
  void forbidsTheRestrictedUserUntilARoleIsBound(RealKubernetes kube) {
    kube.client().namespaces().resource(namespace()).create();
    try (KubernetesClient restricted = kube.client(RealKubernetes.RESTRICTED)) {
      assertThatThrownBy(() -> restricted.configMaps().inNamespace(ns).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

      // A Role of its own: the aggregated ClusterRoles (view, edit, admin) stay empty here, since
      // their rules are filled in by a controller of kube-controller-manager, which does not run.
      kube.client()
          .rbac()
          .roles()
          .inNamespace(ns)
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("configmap-reader")
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("configmaps")
                  .withVerbs("get", "list", "watch")
                  .endRule()
                  .build())
          .create();
      kube.client()
          .rbac()
          .roleBindings()
          .inNamespace(ns)
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("restricted-reads-configmaps")
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-reader")
                  .addNewSubject()
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withKind("User")
                  .withName(RealKubernetes.RESTRICTED)
                  .endSubject()
                  .build())
          .create();

      // The authorizer sees the binding through an informer, a moment after it is stored.
      Awaitility.await("the restricted user may list ConfigMaps")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> restricted.configMaps().inNamespace(ns).list().getItems().isEmpty());
      assertThatThrownBy(
              () ->
                  restricted
                      .configMaps()
                      .inNamespace(ns)
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName("x")
                              .endMetadata()
                              .build())
                      .create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void writesAKubeconfigThatAClientCanUse(RealKubernetes kube, @TempDir Path dir) throws Exception {
    Path file = kube.writeKubeconfig(dir.resolve("kubeconfig"), RealKubernetes.ADMIN);
    assertThat(Files.readString(file)).contains("certificate-authority-data", kube.url());
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(file)))
            .build()) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
    }
    assertThat(kube.kubeconfig()).exists();
  }

  private io.fabric8.kubernetes.api.model.Namespace namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build();
  }
}
