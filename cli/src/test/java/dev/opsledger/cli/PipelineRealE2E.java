package dev.opsledger.cli;

import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline scenarios against a real kube-apiserver, as {@code opsledger up --kubeconfig} runs
 * against a cluster. No controller runs: the Deployment is applied and healed, never rolled out,
 * and the test removes the finalizer of a Foreground prune as the garbage collector would.
 */
@ExtendWith(RealKubernetesExtension.class)
class PipelineRealE2E extends PipelineScenarios {

  @Override
  protected Path kubeconfig() {
    return RealKubernetesExtension.server().kubeconfig();
  }

  @Override
  protected KubernetesClient client() {
    return RealKubernetesExtension.server().client();
  }

  @Override
  protected void collectGarbage() {
    RealKubernetes.collectGarbage(client(), "shop", "web-config");
  }
}
