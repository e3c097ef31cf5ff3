package dev.opsledger.collector.kubernetes;

import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The collector's Kubernetes scenarios against a real kube-apiserver ({@link RealKubernetes}, one
 * per test JVM). Objects are written by server-side apply as another manager; a Deployment's status
 * is then written through its status subresource, as its controller would (none runs). Health is
 * tested here only: it depends on the API server's generation and status subresource semantics.
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

  @Test
  void reportsADeploymentProgressingUntilItsControllerWritesARolloutThatIsDoneThenHealthy() {
    ResourceKey key = ResourceKey.of(target, "apps", "Deployment", ns, "web");
    collector.declare(key, "apps/v1");
    Deployment created = deployment("web", 0, Map.of());
    created.setStatus(null);
    put(created);
    await("the new Deployment is reported Progressing").until(() -> log.health(key).size() == 1);
    assertThat(log.health(key).get(0).health()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(log.health(key).get(0).previous()).isNull();
    assertThat(log.health(key).get(0).message()).contains("observe generation 1");

    // What the deployment controller writes once the new ReplicaSet's pods are available.
    writeStatus(key, 1, 2, 2, 1);
    writeStatus(key, 1, 2, 2, 2);
    await("the finished rollout is reported Healthy").until(() -> log.health(key).size() == 2);
    ResourceHealthChanged healthy = log.health(key).get(1);
    assertThat(healthy.health()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(healthy.previous()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(healthy.reason()).isEqualTo("DeploymentRollout");
    assertThat(healthy.message()).isEqualTo("2 of 2 updated replicas are available");

    // Status churn that keeps it healthy, then a label change to know the collector got that far.
    writeStatus(key, 1, 2, 2, 2);
    admin()
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .edit(
            d -> {
              d.getMetadata().setLabels(Map.of("tier", "web"));
              return d;
            });
    await("the label change is observed")
        .until(
            () -> log.has(changed(key, c -> c.live().path("metadata").path("labels").has("tier"))));
    assertThat(log.health(key))
        .extracting(ResourceHealthChanged::health)
        .containsExactly(HealthStatus.PROGRESSING, HealthStatus.HEALTHY);
  }

  /** Writes a rollout's status through the status subresource, as the controller would. */
  private void writeStatus(
      ResourceKey key, int observedGeneration, int updated, int replicas, int available) {
    admin()
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(key.name())
        .editStatus(
            live -> {
              live.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration((long) observedGeneration)
                      .withReplicas(replicas)
                      .withUpdatedReplicas(updated)
                      .withReadyReplicas(available)
                      .withAvailableReplicas(available)
                      .build());
              return live;
            });
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
