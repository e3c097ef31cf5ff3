package dev.opsledger.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * The cluster-scoped kind scenarios against the Kubernetes emulator {@code opsledger up} embeds.
 */
class ClusterScopedKindE2E extends ClusterScopedKindScenarios {

  @Override
  protected Path kubeconfig() {
    return null;
  }

  @Override
  protected KubernetesClient client() {
    return running.emulator().client();
  }
}
