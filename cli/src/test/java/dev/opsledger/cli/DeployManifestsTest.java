package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.opsledger.kafka.TopicSpec;
import dev.opsledger.service.lease.ServiceLease;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code deploy/kubernetes} promises, checked on what each overlay renders ({@code
 * deploy/kubernetes/render.sh}, i.e. {@code kubectl kustomize}): every Deployment is hardened and
 * probed, the Strimzi topics are the catalogue and stay in the Kafka cluster's namespace, every
 * service has its own ServiceAccount, and the RBAC is what the services use and no more.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("../deploy/kubernetes");
  private static final List<String> SERVICES =
      List.of("git-watcher", "state-collector", "differ", "applier", "notifier");
  private static final String FLEET_NAMESPACE = "opsledger";
  private static final String KAFKA_NAMESPACE = "kafka";

  /** Read-only: what one informer per kind needs (state-collector KindWatch). */
  private static final Set<String> COLLECTOR_VERBS = Set.of("get", "list", "watch");

  /** Server-side apply (patch, and create when it creates), a read before it, prune. */
  private static final Set<String> APPLIER_VERBS = Set.of("get", "create", "patch", "delete");

  private static final Map<String, List<JsonNode>> RENDERED = new TreeMap<>();

  @BeforeAll
  static void render() throws IOException, InterruptedException {
    Path out = Path.of("target/kustomize").toAbsolutePath();
    Files.createDirectories(out);
    if (!onPath("kubectl") && !onPath("kustomize") && !onPath("go")) {
      String why =
          "neither kubectl, kustomize nor go is on the PATH: the overlays are not rendered";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    Process render =
        new ProcessBuilder(DEPLOY.resolve("render.sh").toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(render.waitFor(10, TimeUnit.MINUTES)).as("render.sh finished").isTrue();
    assertThat(render.exitValue()).as("render.sh: " + output).isZero();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> overlays = Files.list(DEPLOY.resolve("overlays"))) {
      for (Path overlay : overlays.sorted().toList()) {
        String name = overlay.getFileName().toString();
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = yaml.getFactory().createParser(out.resolve(name + ".yaml").toFile())) {
          for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
            if (doc != null && doc.has("kind")) {
              docs.add(doc);
            }
          }
        }
        RENDERED.put(name, docs);
      }
    }
    assertThat(RENDERED).containsKeys("dev", "production");
  }

  static Stream<String> overlays() {
    return Stream.of("dev", "production");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyDeploymentRunsNonRootReadOnlyWithoutCapabilitiesWithinRequestsAndLimits(
      String overlay) {
    List<JsonNode> deployments = all(overlay, "Deployment");
    assertThat(deployments).hasSize(SERVICES.size());
    for (JsonNode d : deployments) {
      String name = name(d);
      JsonNode pod = d.path("spec").path("template").path("spec");
      JsonNode podSecurity = pod.path("securityContext");
      assertThat(podSecurity.path("runAsNonRoot").asBoolean()).as(name).isTrue();
      assertThat(podSecurity.path("runAsUser").asInt()).as(name).isPositive();
      assertThat(podSecurity.path("seccompProfile").path("type").asText())
          .as(name)
          .isEqualTo("RuntimeDefault");
      assertThat(pod.path("containers")).as(name + " containers").hasSize(1);
      JsonNode c = pod.path("containers").get(0);
      JsonNode security = c.path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).as(name).isTrue();
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
      assertThat(texts(security.path("capabilities").path("drop"))).as(name).containsExactly("ALL");
      assertThat(security.path("capabilities").has("add")).as(name + " adds none").isFalse();
      for (String kind : List.of("requests", "limits")) {
        JsonNode r = c.path("resources").path(kind);
        assertThat(r.path("cpu").isMissingNode()).as(name + " " + kind + ".cpu").isFalse();
        assertThat(r.path("memory").isMissingNode()).as(name + " " + kind + ".memory").isFalse();
      }
      assertThat(mountPaths(c))
          .as(name + ": the JVM's temporary files need a writable /tmp")
          .contains("/tmp");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyDeploymentProbesTheActuatorHealthGroups(String overlay) {
    for (JsonNode d : all(overlay, "Deployment")) {
      JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
      assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
          .as(name(d))
          .isEqualTo("/actuator/health/liveness");
      // service-support puts the Kafka health indicator in this group (KafkaReadinessIT).
      assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
          .as(name(d))
          .isEqualTo("/actuator/health/readiness");
      assertThat(c.path("startupProbe").isMissingNode()).as(name(d) + " startup").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void kafkaTopicsAreTheCatalogueAndStayInTheKafkaClustersNamespace(String overlay) {
    Map<String, JsonNode> topics = new HashMap<>();
    for (JsonNode t : all(overlay, "KafkaTopic")) {
      assertThat(t.path("metadata").path("namespace").asText())
          .as(name(t) + " must stay where Strimzi's Topic Operator watches")
          .isEqualTo(KAFKA_NAMESPACE);
      assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .as(name(t))
          .isNotEmpty();
      topics.put(t.path("spec").path("topicName").asText(), t);
    }
    List<TopicSpec> catalogue = TopicSpec.catalogue();
    // Besides the catalogue: the one-partition lease topics of the active/standby services.
    List<String> leases =
        List.of(ServiceLease.topic("git-watcher"), ServiceLease.topic("state-collector"));
    List<String> expected = new java.util.ArrayList<>(leases);
    catalogue.forEach(spec -> expected.add(spec.name()));
    assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (String lease : leases) {
      assertThat(topics.get(lease).path("spec").path("partitions").asInt()).as(lease).isEqualTo(1);
    }
    for (TopicSpec spec : catalogue) {
      JsonNode t = topics.get(spec.name()).path("spec");
      assertThat(t.path("partitions").asInt()).as(spec.name()).isEqualTo(spec.partitions());
      Map<String, String> config = new TreeMap<>();
      t.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
      assertThat(config).as(spec.name() + " config").isEqualTo(new TreeMap<>(spec.config()));
    }
    for (JsonNode u : all(overlay, "KafkaUser")) {
      assertThat(u.path("metadata").path("namespace").asText())
          .as(name(u))
          .isEqualTo(KAFKA_NAMESPACE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyServiceRunsUnderItsOwnServiceAccountAndOnlyTwoMayTalkToTheApi(String overlay) {
    Set<String> accounts = new HashSet<>();
    for (JsonNode sa : all(overlay, "ServiceAccount")) {
      assertThat(sa.path("metadata").path("namespace").asText()).isEqualTo(FLEET_NAMESPACE);
      accounts.add(name(sa));
    }
    for (String service : SERVICES) {
      String account = "opsledger-" + service;
      assertThat(accounts).as(service).contains(account);
      JsonNode pod = deployment(overlay, service).path("spec").path("template").path("spec");
      assertThat(pod.path("serviceAccountName").asText()).as(service).isEqualTo(account);
      boolean talksToTheApi = service.equals("state-collector") || service.equals("applier");
      assertThat(rulesOf(overlay, account).isEmpty())
          .as(service + " has no role")
          .isNotEqualTo(talksToTheApi);
      if (!talksToTheApi) {
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
            .as(service + " mounts no token")
            .isFalse();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void stateCollectorOnlyReadsAndApplierOnlyDoesWhatAnApplyNeeds(String overlay) {
    assertVerbs(overlay, "opsledger-state-collector", COLLECTOR_VERBS);
    assertVerbs(overlay, "opsledger-applier", APPLIER_VERBS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyServiceHasADisruptionBudgetAndTrafficIsDeniedByDefault(String overlay) {
    Set<String> budgets = new HashSet<>();
    for (JsonNode pdb : all(overlay, "PodDisruptionBudget")) {
      budgets.add(
          pdb.path("spec")
              .path("selector")
              .path("matchLabels")
              .path("app.kubernetes.io/name")
              .asText());
    }
    assertThat(budgets)
        .containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(s -> "opsledger-" + s).toList());
    assertThat(all(overlay, "NetworkPolicy"))
        .as("a default-deny policy of the fleet's namespace")
        .anySatisfy(
            p -> {
              assertThat(p.path("spec").path("podSelector").isEmpty()).isTrue();
              assertThat(texts(p.path("spec").path("policyTypes")))
                  .containsExactlyInAnyOrder("Ingress", "Egress");
              assertThat(p.path("spec").has("ingress")).isFalse();
              assertThat(p.path("spec").has("egress")).isFalse();
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void differReachesPostgresThroughTheDeclaredExternalService(String overlay) {
    JsonNode postgres =
        all(overlay, "Service").stream()
            .filter(s -> name(s).equals("opsledger-postgres"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Service opsledger-postgres"));
    assertThat(postgres.path("spec").path("type").asText()).isEqualTo("ExternalName");
    assertThat(postgres.path("spec").path("externalName").asText()).isNotEmpty();
    JsonNode c =
        deployment(overlay, "differ")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    Map<String, JsonNode> env = new HashMap<>();
    c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertThat(env.get("SPRING_DATASOURCE_URL").path("value").asText())
        .startsWith("jdbc:postgresql://opsledger-postgres:5432/");
    assertThat(
            env.get("SPRING_DATASOURCE_PASSWORD")
                .path("valueFrom")
                .path("secretKeyRef")
                .path("name")
                .asText())
        .isEqualTo("opsledger-differ-db");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyImageIsPinnedToATag(String overlay) {
    for (JsonNode d : all(overlay, "Deployment")) {
      String image =
          d.path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0)
              .path("image")
              .asText();
      String tag = image.substring(image.lastIndexOf('/') + 1);
      assertThat(tag).as(image).contains(":").doesNotEndWith(":latest");
      if (overlay.equals("production")) {
        assertThat(image).as("production pulls from a registry").contains("/");
        assertThat(image).as("production runs a release").doesNotContain("SNAPSHOT");
      }
    }
  }

  private static void assertVerbs(String overlay, String account, Set<String> allowed) {
    List<JsonNode> rules = rulesOf(overlay, account);
    assertThat(rules).as(account + " rules").isNotEmpty();
    Set<String> verbs = new TreeSet<>();
    for (JsonNode rule : rules) {
      verbs.addAll(texts(rule.path("verbs")));
      assertThat(texts(rule.path("resources"))).as(account + " " + rule).doesNotContain("*");
      assertThat(texts(rule.path("apiGroups"))).as(account + " " + rule).doesNotContain("*");
      assertThat(rule.has("nonResourceURLs")).as(account + " " + rule).isFalse();
    }
    assertThat(verbs).as(account + " verbs").isEqualTo(new TreeSet<>(allowed));
  }

  /**
   * The rules granted to a ServiceAccount of the fleet through every (Cluster)RoleBinding naming
   * it, with an aggregated ClusterRole's rules taken from the ClusterRoles its selectors match, as
   * the API server's aggregation controller would.
   */
  private static List<JsonNode> rulesOf(String overlay, String account) {
    List<JsonNode> rules = new ArrayList<>();
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (JsonNode binding : all(overlay, kind)) {
        boolean names =
            stream(binding.path("subjects"))
                .anyMatch(
                    s ->
                        s.path("kind").asText().equals("ServiceAccount")
                            && s.path("name").asText().equals(account)
                            && s.path("namespace").asText().equals(FLEET_NAMESPACE));
        if (names) {
          JsonNode ref = binding.path("roleRef");
          rules.addAll(rulesOfRole(overlay, ref.path("kind").asText(), ref.path("name").asText()));
        }
      }
    }
    return rules;
  }

  private static List<JsonNode> rulesOfRole(String overlay, String kind, String name) {
    JsonNode role =
        all(overlay, kind).stream()
            .filter(r -> name(r).equals(name))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("a binding names the missing " + kind + " " + name));
    List<JsonNode> rules = new ArrayList<>();
    role.path("rules").forEach(rules::add);
    for (JsonNode selector : role.path("aggregationRule").path("clusterRoleSelectors")) {
      for (JsonNode other : all(overlay, "ClusterRole")) {
        boolean matches = true;
        var labels = selector.path("matchLabels").properties();
        for (var label : labels) {
          matches &=
              label
                  .getValue()
                  .asText()
                  .equals(other.path("metadata").path("labels").path(label.getKey()).asText(null));
        }
        if (matches && !labels.isEmpty()) {
          other.path("rules").forEach(rules::add);
        }
      }
    }
    return rules;
  }

  private static JsonNode deployment(String overlay, String service) {
    return all(overlay, "Deployment").stream()
        .filter(d -> name(d).equals("opsledger-" + service))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment opsledger-" + service));
  }

  private static List<JsonNode> all(String overlay, String kind) {
    return RENDERED.get(overlay).stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .toList();
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static List<String> texts(JsonNode array) {
    return stream(array).map(JsonNode::asText).toList();
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out.stream();
  }

  private static Set<String> mountPaths(JsonNode container) {
    Set<String> paths = new HashSet<>();
    container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
    return paths;
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
