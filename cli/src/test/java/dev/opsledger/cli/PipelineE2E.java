package dev.opsledger.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** The pipeline scenarios against the Kubernetes emulator that {@code opsledger up} embeds. */
class PipelineE2E extends PipelineScenarios {

  @Override
  protected Path kubeconfig() {
    return null;
  }

  @Override
  protected KubernetesClient client() {
    return running.emulator().client();
  }
}
