package dev.opsledger.applier;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same Kubernetes scenarios against a real API server: real server-side apply (conflicts,
 * managed-fields pruning, list merge by key, validation, namespace checks). The cluster is the one
 * {@code KUBECONFIG} names (its current context) when set, else the test JVM's own kube-apiserver
 * and etcd ({@link RealKubernetes}; skipped with one line when Go is missing, except on CI). Each
 * test creates its own namespace {@code t-<random>} and deletes it (with no controllers on the
 * local server, a deleted namespace stays Terminating; names never repeat).
 */
@SpringBootTest(
    classes = ApplierApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class KubernetesApplyE2E extends KubernetesScenarios {

  static final String TARGET = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
  static KubernetesClient client;
  static LogTail tail;

  @BeforeAll
  static void requireCluster() {
    client =
        new KubernetesClientBuilder()
            .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(new File(kubeconfig())))
            .build();
  }

  @AfterAll
  static void close() {
    if (tail != null) {
      tail.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    registry.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.applier.kubernetes.target", () -> TARGET);
    registry.add("opsledger.applier.kubernetes.kubeconfig", KubernetesApplyE2E::kubeconfig);
    for (String p : POLICIES) {
      int eq = p.indexOf('=');
      registry.add(p.substring(0, eq), () -> p.substring(eq + 1));
    }
    ApplierConfiguration.FUNCTIONS.forEach(
        f -> registry.add(f.groupProperty(), () -> "applier-e2e-k8s"));
  }

  /** {@code KUBECONFIG}'s first file, else the local real API server's admin kubeconfig. */
  static String kubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env == null || env.isBlank()) {
      return RealKubernetesExtension.server().kubeconfig().toString();
    }
    return env.split(File.pathSeparator)[0];
  }

  @Override
  protected KubernetesClient cluster() {
    return client;
  }

  /** The local API server runs no garbage collector: remove its finalizer as it would. */
  @Override
  protected void collectGarbage(ResourceKey key) {
    if (System.getenv("KUBECONFIG") != null && !System.getenv("KUBECONFIG").isBlank()) {
      return; // a real cluster has its own
    }
    RealKubernetes.collectGarbage(cluster(), key.namespace(), key.name());
  }

  @Override
  protected String target() {
    return TARGET;
  }

  @Override
  protected LogTail tail() {
    if (tail == null) {
      tail =
          LogTail.fromEnd(
              SharedKafka.bootstrapServers(), LogTail.keyStartsWith(TARGET + "/"), Topic.APPLIES);
    }
    return tail;
  }
}
