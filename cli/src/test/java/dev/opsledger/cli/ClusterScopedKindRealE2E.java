package dev.opsledger.cli;

import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster-scoped kind scenarios against a real kube-apiserver, which serves a custom kind only
 * once its definition is established and drops the namespace of every cluster-scoped write.
 */
@ExtendWith(RealKubernetesExtension.class)
class ClusterScopedKindRealE2E extends ClusterScopedKindScenarios {

  @Override
  protected Path kubeconfig() {
    return RealKubernetesExtension.server().kubeconfig();
  }

  @Override
  protected KubernetesClient client() {
    return RealKubernetesExtension.server().client();
  }
}
