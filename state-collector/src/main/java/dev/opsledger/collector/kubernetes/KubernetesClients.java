package dev.opsledger.collector.kubernetes;

import dev.opsledger.collector.StateCollectorProperties.KubernetesTarget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Builds a fabric8 client for a configured cluster. */
public final class KubernetesClients {

  private KubernetesClients() {}

  /**
   * A client for {@code target}: its kubeconfig file and context, or the in-cluster service
   * account, or fabric8's automatic configuration.
   */
  public static KubernetesClient create(KubernetesTarget target) {
    Config config;
    if (target.inCluster()) {
      config = Config.autoConfigure(null);
    } else if (target.kubeconfig() != null) {
      config = Config.fromKubeconfig(target.context(), target.kubeconfig().toFile());
    } else {
      config = Config.autoConfigure(target.context());
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
