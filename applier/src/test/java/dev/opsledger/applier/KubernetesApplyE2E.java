package dev.opsledger.applier;

import dev.opsledger.events.Topic;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same Kubernetes scenarios against a real cluster: real server-side apply (conflicts,
 * managed-fields pruning, list merge by key, validation, namespace checks). Runs when {@code
 * KUBECONFIG} names a kubeconfig (its current context is used); skipped otherwise. Each test
 * creates and deletes its own namespace {@code t-<random>}.
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
    Assumptions.assumeTrue(
        kubeconfig() != null,
        "KUBECONFIG is not set: the *E2E scenarios need a real cluster and are skipped");
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

  static String kubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env == null || env.isBlank()) {
      return null;
    }
    return env.split(File.pathSeparator)[0];
  }

  @Override
  protected KubernetesClient cluster() {
    return client;
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
