package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.DiffState;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local fleet against a real kube-apiserver under the RBAC that {@code deploy/kubernetes} ships
 * (issue 18, point 7): {@code up --fleet} runs each service in its own JVM, the state-collector
 * with a token of the {@code opsledger-state-collector} ServiceAccount and the applier with one of
 * {@code opsledger-applier}. The kubeconfig {@code up} is given points nowhere, so whatever reaches
 * the cluster went through those two tokens. A first sync, a self-heal and a prune must all work:
 * the shipped roles are sufficient. ({@code DeployRbacRealIT} shows they are not more than needed.)
 */
@ExtendWith(RealKubernetesExtension.class)
class FleetRealRbacE2E {

  private static final String TARGET = "fleet-real";

  @TempDir Path dir;

  @Test
  void theFleetSyncsHealsAndPrunesWithTheServiceAccountsDeployShips() throws IOException {
    RealKubernetes kube = RealKubernetesExtension.server();
    KubernetesClient admin = kube.client();
    DeployRbac.install(admin);
    Path collector = kubeconfigAs(kube, admin, "opsledger-state-collector");
    Path applier = kubeconfigAs(kube, admin, "opsledger-applier");
    Path nowhere = Files.writeString(dir.resolve("nowhere.kubeconfig"), nowhereKubeconfig());
    String ns = "fleet-" + UUID.randomUUID().toString().substring(0, 8);

    try (GitFixture git = GitFixture.create(dir.resolve("git"))) {
      git.commit("Add the shop")
          .write("namespace.yaml", namespace(ns))
          .write("settings.yaml", configMap(ns, "settings", "blue"))
          .write("retired.yaml", configMap(ns, "retired", "grey"))
          .write("credentials.yaml", secret(ns))
          .write("web.yaml", deployment(ns))
          .write("service.yaml", service(ns))
          .push();
      try (Launcher.Running running =
          Launcher.start(
              new Launcher.Settings(
                  dir.resolve("data"),
                  git.remoteUrl(),
                  "main",
                  "",
                  nowhere,
                  null,
                  TARGET,
                  true,
                  true,
                  true,
                  0,
                  0,
                  0,
                  0,
                  0,
                  "1s",
                  null,
                  Map.of(
                      "opsledger.applier.kubernetes.kubeconfig",
                      applier.toString(),
                      "opsledger.state-collector.kubernetes.targets[0].kubeconfig",
                      collector.toString()),
                  null,
                  true))) {
        assertThat(running.services().children())
            .extracting(ServiceProcesses.Child::name)
            .containsExactly("git-watcher", "state-collector", "differ", "applier", "notifier");
        assertThat(running.services().children())
            .allSatisfy(
                c ->
                    assertThat(ProcessHandle.of(c.pid()).map(ProcessHandle::isAlive))
                        .as(c.name() + " runs in its own JVM")
                        .contains(true));

        awaitAllInSync(running, 6);
        assertThat(admin.apps().deployments().inNamespace(ns).withName("web").get()).isNotNull();
        assertThat(admin.secrets().inNamespace(ns).withName("credentials").get()).isNotNull();
        assertThat(admin.services().inNamespace(ns).withName("web").get()).isNotNull();

        admin
            .configMaps()
            .inNamespace(ns)
            .withName("settings")
            .edit(
                c -> {
                  c.setData(Map.of("colour", "red"));
                  return c;
                });
        await("the live edit is healed by the applier's token")
            .atMost(Duration.ofMinutes(2))
            .until(
                () ->
                    "blue"
                        .equals(
                            admin
                                .configMaps()
                                .inNamespace(ns)
                                .withName("settings")
                                .get()
                                .getData()
                                .get("colour")));

        git.commit("Retire a ConfigMap").delete("retired.yaml").push();
        await("the applier's token deletes the ConfigMap Git no longer declares")
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> {
                  var live = admin.configMaps().inNamespace(ns).withName("retired").get();
                  return live == null || live.getMetadata().getDeletionTimestamp() != null;
                });
        // Prunes propagate in the foreground: with no garbage collector here, finish it.
        RealKubernetes.collectGarbage(admin, ns, "retired");
        await("the pruned ConfigMap is gone")
            .until(() -> admin.configMaps().inNamespace(ns).withName("retired").get() == null);
        awaitAllInSync(running, 5);
      }
    }
  }

  private static void awaitAllInSync(Launcher.Running running, int declared) {
    await(declared + " declared resources in sync")
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              var resources =
                  CurrentState.read(running.bootstrapServers()).resources().stream()
                      .filter(r -> r.declared())
                      .toList();
              return resources.size() == declared
                  && resources.stream().allMatch(r -> r.hasState(DiffState.IN_SYNC));
            });
  }

  /** A kubeconfig whose user is a token of the fleet's ServiceAccount. */
  private Path kubeconfigAs(RealKubernetes kube, KubernetesClient admin, String serviceAccount)
      throws IOException {
    Path file = kube.writeKubeconfig(dir.resolve(serviceAccount + ".kubeconfig"), "admin");
    String text =
        Files.readString(file)
            .replace(
                "token: " + kube.token(RealKubernetes.ADMIN),
                "token: " + DeployRbac.token(admin, serviceAccount, 3600))
            .replace("name: admin", "name: " + serviceAccount)
            .replace("user: admin", "user: " + serviceAccount);
    return Files.writeString(file, text);
  }

  private static String nowhereKubeconfig() {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: nowhere",
        "  cluster:",
        "    server: https://127.0.0.1:1",
        "contexts:",
        "- name: nowhere",
        "  context:",
        "    cluster: nowhere",
        "    user: nobody",
        "current-context: nowhere",
        "users:",
        "- name: nobody",
        "  user:",
        "    token: none",
        "");
  }

  private static String namespace(String ns) {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n";
  }

  private static String configMap(String ns, String name, String colour) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n  colour: %s\n"
        .formatted(name, ns, colour);
  }

  private static String secret(String ns) {
    return ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: credentials\n  namespace: %s\n"
            + "stringData:\n  password: fleet-rbac-canary\n")
        .formatted(ns);
  }

  private static String deployment(String ns) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: %s
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """
        .formatted(ns);
  }

  private static String service(String ns) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: %s
        spec:
          selector: {app: web}
          ports:
          - port: 80
        """
        .formatted(ns);
  }
}
