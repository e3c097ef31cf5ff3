package dev.opsledger.sandbox.kubernetes;

import static dev.opsledger.sandbox.kubernetes.TestObjects.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerSideApplyIT {

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
  void createsThenMergesAndRecordsTheFieldManager() {
    Deployment created =
        client
            .apps()
            .deployments()
            .resource(deployment("ssa", "web", 1, "nginx:1"))
            .fieldManager("opsledger")
            .forceConflicts()
            .serverSideApply();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(created.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("opsledger", "Apply"));

    client
        .apps()
        .deployments()
        .inNamespace("ssa")
        .withName("web")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"by\":\"hand\"}}}");
    Deployment merged =
        client
            .apps()
            .deployments()
            .resource(deployment("ssa", "web", 3, "nginx:2"))
            .fieldManager("opsledger")
            .forceConflicts()
            .serverSideApply();

    assertThat(merged.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
    assertThat(merged.getSpec().getReplicas()).isEqualTo(3);
    assertThat(merged.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("nginx:2");
    assertThat(merged.getMetadata().getAnnotations()).containsEntry("by", "hand");
    assertThat(merged.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(Long.parseLong(merged.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
    assertThat(merged.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager)
        .containsExactlyInAnyOrder("opsledger", "fabric8-kubernetes-client");
  }

  @Test
  void reapplyingTheSameConfigurationChangesNothing() {
    Deployment first =
        client
            .apps()
            .deployments()
            .resource(deployment("ssa", "same", 2, "nginx:1"))
            .fieldManager("opsledger")
            .forceConflicts()
            .serverSideApply();

    Deployment second =
        client
            .apps()
            .deployments()
            .resource(deployment("ssa", "same", 2, "nginx:1"))
            .fieldManager("opsledger")
            .forceConflicts()
            .serverSideApply();

    assertThat(second.getMetadata().getResourceVersion())
        .isEqualTo(first.getMetadata().getResourceVersion());
    assertThat(second.getMetadata().getManagedFields())
        .isEqualTo(first.getMetadata().getManagedFields());
  }

  @Test
  void dryRunAnswersTheResultAndStoresNothing() {
    Deployment answered =
        client
            .apps()
            .deployments()
            .resource(deployment("ssa", "dry", 2, "nginx:1"))
            .dryRun()
            .fieldManager("opsledger")
            .serverSideApply();

    assertThat(answered.getSpec().getReplicas()).isEqualTo(2);
    assertThat(client.apps().deployments().inNamespace("ssa").withName("dry").get()).isNull();
  }

  @Test
  void strategicMergePatchIsAppliedAsAMergePatch() {
    client.apps().deployments().resource(deployment("ssa", "smp", 1, "nginx:1")).create();

    Deployment patched =
        client
            .apps()
            .deployments()
            .inNamespace("ssa")
            .withName("smp")
            .patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"replicas\":4,\"template\":{\"spec\":{\"containers\":"
                    + "[{\"name\":\"main\",\"image\":\"nginx:3\"}]}}}}");

    assertThat(patched.getSpec().getReplicas()).isEqualTo(4);
    assertThat(patched.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getImage()).isEqualTo("nginx:3");
              // the list replaced the live one: merging containers by name is not emulated
              assertThat(c.getPorts()).isEmpty();
            });
  }
}
