package dev.opsledger.collector.kubernetes;

import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The collector's Kubernetes scenarios against a real kube-apiserver ({@link RealKubernetes}, one
 * per test JVM). Objects are written by server-side apply as another manager; a Deployment's status
 * is then written through its status subresource, as its controller would (none runs).
 */
@ExtendWith(RealKubernetesExtension.class)
class KubernetesCollectorRealIT extends KubernetesCollectorScenarios {

  private static final String MANAGER = "someone-else";

  private RealKubernetes kube() {
    return RealKubernetesExtension.server();
  }

  @Override
  protected void prepare() {
    admin()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  @Override
  protected KubernetesClient collectorClient() {
    return new KubernetesClientBuilder().withConfig(kube().config(RealKubernetes.ADMIN)).build();
  }

  @Override
  protected KubernetesClient admin() {
    return kube().client();
  }

  @Override
  protected void put(HasMetadata object) {
    admin().resource(object).fieldManager(MANAGER).forceConflicts().serverSideApply();
    if (object instanceof Deployment d && d.getStatus() != null) {
      admin()
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(d.getMetadata().getName())
          .editStatus(
              live -> {
                live.setStatus(d.getStatus());
                return live;
              });
    }
  }

  @Override
  protected void delete(String apiVersion, String kind, String namespace, String name) {
    admin()
        .genericKubernetesResources(apiVersion, kind)
        .inNamespace(namespace)
        .withName(name)
        .delete();
  }
}
