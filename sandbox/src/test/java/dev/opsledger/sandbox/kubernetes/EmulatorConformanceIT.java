package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.sandbox.kubernetes.ConformanceServers.Replies;
import dev.opsledger.sandbox.kubernetes.ConformanceServers.Reply;
import dev.opsledger.testkit.kube.RealKubernetes;
import dev.opsledger.testkit.kube.RealKubernetesExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator against a real kube-apiserver: each request goes to both servers ({@link
 * ConformanceServers#send}) and the replies are compared. Where they agree the test asserts that
 * they agree. Where they differ the test asserts what the real server does and pins what the
 * emulator does instead; every such test is listed by name under "Known deviations" in {@code
 * sandbox/README.md}, so a fix in the emulator makes its test fail until the list is updated.
 */
@ExtendWith(RealKubernetesExtension.class)
class EmulatorConformanceIT {

  private static final Logger LOG = LoggerFactory.getLogger(EmulatorConformanceIT.class);
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String MERGE = "application/merge-patch+json";
  private static final String STRATEGIC = "application/strategic-merge-patch+json";
  private static final String JSON_TYPE = "application/json";

  private static KubernetesEmulator emulator;
  private static RealKubernetes real;
  private static ConformanceServers servers;

  private final String ns = "c-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start(RealKubernetes kube) {
    real = kube;
    emulator = KubernetesEmulator.builder().start();
    servers = new ConformanceServers(kube, emulator);
  }

  @AfterAll
  static void stop() {
    LOG.info(
        "emulator conformance: {} requests sent to both the emulator and kube-apiserver {}",
        ConformanceServers.COMPARED.get(),
        real.version());
    emulator.close();
  }

  @BeforeEach
  void createNamespace() {
    Map<String, Object> namespace =
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", ns));
    assertThat(servers.onReal("POST", "/api/v1/namespaces", JSON_TYPE, namespace).status())
        .isEqualTo(201);
    assertThat(servers.onEmulator("POST", "/api/v1/namespaces", JSON_TYPE, namespace).status())
        .isEqualTo(201);
  }

  // --- server-side apply ----------------------------------------------------------------------

  @Test
  void applyCreatesTheObjectAndRecordsTheManager() {
    Replies r = apply("cm", "alice", false, configMap("cm", Map.of("a", "1")));

    assertThat(r.real().status()).isEqualTo(201);
    assertThat(r.emulator().status()).isEqualTo(r.real().status());
    for (Reply reply : List.of(r.real(), r.emulator())) {
      assertThat(reply.at("/data/a")).isEqualTo("1");
      assertThat(reply.at("/metadata/managedFields/0/manager")).isEqualTo("alice");
      assertThat(reply.at("/metadata/managedFields/0/operation")).isEqualTo("Apply");
      assertThat(reply.body().at("/metadata/managedFields/0/fieldsV1/f:data/f:a").isObject())
          .isTrue();
    }
  }

  @Test
  void applyUpdatesAFieldOfTheSameManager() {
    apply("cm", "alice", false, configMap("cm", Map.of("a", "1")));
    Replies r = apply("cm", "alice", false, configMap("cm", Map.of("a", "2")));

    assertThat(r.real().status()).isEqualTo(200);
    assertThat(r.emulator().status()).isEqualTo(200);
    assertThat(r.real().at("/data/a")).isEqualTo("2");
    assertThat(r.emulator().at("/data/a")).isEqualTo("2");
  }

  @Test
  void applyRemovesAFieldTheManagerNoLongerApplies() {
    apply("cm", "alice", false, configMap("cm", Map.of("a", "1", "b", "2")));
    Replies r = apply("cm", "alice", false, configMap("cm", Map.of("a", "1")));

    for (Reply reply : List.of(r.real(), r.emulator())) {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body().at("/data").has("b")).isFalse();
      assertThat(reply.at("/data/a")).isEqualTo("1");
      assertThat(fieldsOf(reply, "alice")).containsExactly("f:a");
    }
  }

  @Test
  void applyKeepsAFieldTheManagerLeavesOutWhenAnotherManagerAlsoOwnsIt() {
    apply("cm", "alice", false, configMap("cm", Map.of("a", "1", "b", "2")));
    apply("cm", "bob", false, configMap("cm", Map.of("b", "2")));
    Replies r = apply("cm", "alice", false, configMap("cm", Map.of("a", "1")));

    for (Reply reply : List.of(r.real(), r.emulator())) {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.at("/data/b")).isEqualTo("2");
      assertThat(fieldsOf(reply, "alice")).containsExactly("f:a");
      assertThat(fieldsOf(reply, "bob")).containsExactly("f:b");
    }
  }

  @Test
  void applyConflictsWithAFieldOfAnotherManager() {
    apply("cm", "alice", false, configMap("cm", Map.of("a", "1")));
    Replies r = apply("cm", "bob", false, configMap("cm", Map.of("a", "2")));

    assertThat(r.real().status()).isEqualTo(409);
    assertThat(r.real().reason()).isEqualTo("Conflict");
    assertThat(r.real().at("/details/causes/0/field")).isEqualTo(".data.a");
    // Known deviation: the emulator never answers a conflict; it takes the value.
    assertThat(r.emulator().status()).isEqualTo(200);
    assertThat(r.emulator().at("/data/a")).isEqualTo("2");
  }

  @Test
  void forcedApplyTakesTheFieldFromTheOtherManager() {
    apply("cm", "alice", false, configMap("cm", Map.of("a", "1", "b", "1")));
    Replies r = apply("cm", "bob", true, configMap("cm", Map.of("a", "2")));

    for (Reply reply : List.of(r.real(), r.emulator())) {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.at("/data/a")).isEqualTo("2");
      assertThat(fieldsOf(reply, "bob")).contains("f:a");
    }
    assertThat(fieldsOf(r.real(), "alice")).containsExactly("f:b");
  }

  // --- list merge by key ------------------------------------------------------------------------

  @Test
  void applyMergesContainersPortsAndEnvByKey() {
    apply("web", "alice", false, deployment("web", container("app", 8080, "A")));
    Replies r =
        servers.send(
            "PATCH",
            deploymentPath("web") + "?fieldManager=bob",
            APPLY,
            deployment("web", container("app", 9090, "B"), container("sidecar", 7070, "C")));

    JsonNode containers = r.real().body().at("/spec/template/spec/containers");
    assertThat(names(containers)).containsExactly("app", "sidecar");
    assertThat(containers.get(0).at("/ports").findValuesAsText("containerPort"))
        .containsExactly("8080", "9090");
    assertThat(names(containers.get(0).at("/env"))).containsExactly("A", "B");
    // Known deviation: the emulator replaces the lists with the applied ones.
    JsonNode emulated = r.emulator().body().at("/spec/template/spec/containers");
    assertThat(names(emulated)).containsExactly("app", "sidecar");
    assertThat(emulated.get(0).at("/ports").findValuesAsText("containerPort"))
        .containsExactly("9090");
    assertThat(names(emulated.get(0).at("/env"))).containsExactly("B");
  }

  @Test
  void strategicMergePatchMergesContainersByName() {
    create(deploymentPath(""), deployment("web", container("app", 8080, "A")));
    Map<String, Object> patch =
        Map.of(
            "spec",
            Map.of(
                "template",
                Map.of(
                    "spec",
                    Map.of(
                        "containers", List.of(Map.of("name", "sidecar", "image", "busybox:1"))))));
    Replies r = servers.send("PATCH", deploymentPath("web"), STRATEGIC, patch);

    assertThat(names(r.real().body().at("/spec/template/spec/containers")))
        .containsExactly("sidecar", "app");
    // Known deviation: a strategic merge patch is a JSON merge patch in the emulator.
    assertThat(names(r.emulator().body().at("/spec/template/spec/containers")))
        .containsExactly("sidecar");
  }

  // --- managed fields, dry run, defaulting
  // --------------------------------------------------------

  @Test
  void managedFieldsRecordEachManagerAndOperation() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")), "creator");
    servers.send(
        "PATCH",
        configMapPath("cm") + "?fieldManager=patcher",
        MERGE,
        Map.of("data", Map.of("b", "2")));
    Replies r = apply("cm", "alice", false, configMap("cm", Map.of("c", "3")));

    for (Reply reply : List.of(r.real(), r.emulator())) {
      List<String> entries = new ArrayList<>();
      reply
          .body()
          .at("/metadata/managedFields")
          .forEach(
              e -> entries.add(e.path("manager").asText() + ":" + e.path("operation").asText()));
      assertThat(entries)
          .containsExactlyInAnyOrder("creator:Update", "patcher:Update", "alice:Apply");
    }
    assertThat(fieldsOf(r.real(), "patcher")).containsExactly("f:b");
    assertThat(fieldsOf(r.emulator(), "patcher")).containsExactly("f:b");
  }

  @Test
  void dryRunAnswersAsAWriteButStoresNothing() {
    Replies created =
        servers.send(
            "POST",
            configMapPath("") + "?dryRun=All",
            JSON_TYPE,
            configMap("dry", Map.of("a", "1")));
    Replies applied =
        servers.send(
            "PATCH",
            configMapPath("dry2") + "?dryRun=All&fieldManager=alice",
            APPLY,
            configMap("dry2", Map.of("a", "1")));
    Replies get = servers.send("GET", configMapPath("dry"));

    assertThat(created.real().status()).isEqualTo(201);
    assertThat(created.emulator().status()).isEqualTo(201);
    assertThat(applied.real().status()).isEqualTo(201);
    assertThat(applied.emulator().status()).isEqualTo(applied.real().status());
    assertThat(get.real().status()).isEqualTo(404);
    assertThat(get.emulator().status()).isEqualTo(404);
    assertThat(servers.send("GET", configMapPath("dry2")).emulator().status()).isEqualTo(404);
  }

  @Test
  void defaultsTheFieldsADeploymentLeavesOut() {
    Replies r = create(deploymentPath(""), deployment("web", container("app", 8080, "A")));

    JsonNode spec = r.real().body().at("/spec");
    assertThat(spec.at("/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(spec.at("/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.at("/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("IfNotPresent");
    assertThat(spec.at("/template/spec/restartPolicy").asText()).isEqualTo("Always");
    // Known deviation: the emulator stores objects as sent, without defaults.
    assertThat(r.emulator().body().at("/spec").has("strategy")).isFalse();
    assertThat(r.emulator().body().at("/spec/template/spec").has("restartPolicy")).isFalse();
  }

  // --- errors -----------------------------------------------------------------------------------

  @Test
  void answers404ForAMissingObject() {
    Replies r = servers.send("GET", configMapPath("missing"));

    assertThat(r.real().status()).isEqualTo(404);
    assertThat(r.emulator().status()).isEqualTo(404);
    assertThat(r.real().reason()).isEqualTo("NotFound");
    assertThat(r.emulator().reason()).isEqualTo("NotFound");
  }

  @Test
  void answers409WhenCreatingAnObjectThatExists() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Replies r = create(configMapPath(""), configMap("cm", Map.of("a", "1")));

    assertThat(r.real().status()).isEqualTo(409);
    assertThat(r.emulator().status()).isEqualTo(409);
    assertThat(r.real().reason()).isEqualTo("AlreadyExists");
    assertThat(r.emulator().reason()).isEqualTo("AlreadyExists");
  }

  @Test
  void answers409ForAnUpdateFromAStaleResourceVersion() {
    Replies created = create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    servers.send("PATCH", configMapPath("cm"), MERGE, Map.of("data", Map.of("a", "2")));
    Map<String, Object> stale = configMap("cm", Map.of("a", "3"));
    Replies r =
        new Replies(
            servers.onReal(
                "PUT", configMapPath("cm"), JSON_TYPE, withVersion(stale, created.real())),
            servers.onEmulator(
                "PUT", configMapPath("cm"), JSON_TYPE, withVersion(stale, created.emulator())));
    ConformanceServers.COMPARED.incrementAndGet();

    assertThat(r.real().status()).isEqualTo(409);
    assertThat(r.real().reason()).isEqualTo("Conflict");
    assertThat(r.emulator().status()).isEqualTo(409);
  }

  @Test
  void answers422ForAnInvalidObject() {
    Replies r = create(configMapPath(""), configMap("Not_A_Valid_Name", Map.of("a", "1")));

    assertThat(r.real().status()).isEqualTo(422);
    assertThat(r.real().reason()).isEqualTo("Invalid");
    assertThat(r.real().at("/details/causes/0/field")).isEqualTo("metadata.name");
    // Known deviation: the emulator does not validate.
    assertThat(r.emulator().status()).isEqualTo(201);
  }

  @Test
  void answers404ForAnObjectInANamespaceThatDoesNotExist() {
    String missing = "no-such-" + ns;
    Map<String, Object> object =
        Map.of(
            "apiVersion", "v1",
            "kind", "ConfigMap",
            "metadata", Map.of("name", "cm", "namespace", missing));
    Replies r =
        servers.send("POST", "/api/v1/namespaces/" + missing + "/configmaps", JSON_TYPE, object);

    assertThat(r.real().status()).isEqualTo(404);
    assertThat(r.real().reason()).isEqualTo("NotFound");
    // Known deviation: the emulator does not check that the namespace exists.
    assertThat(r.emulator().status()).isEqualTo(201);
  }

  // --- delete -----------------------------------------------------------------------------------

  @Test
  void deleteWithAStaleUidPreconditionIsAConflict() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Map<String, Object> options =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "DeleteOptions",
            "preconditions",
            Map.of("uid", UUID.randomUUID().toString()));
    Replies r = servers.send("DELETE", configMapPath("cm"), JSON_TYPE, options);

    assertThat(r.real().status()).isEqualTo(409);
    assertThat(r.real().reason()).isEqualTo("Conflict");
    assertThat(r.emulator().status()).isEqualTo(409);
    assertThat(servers.send("GET", configMapPath("cm")).emulator().status()).isEqualTo(200);
  }

  @Test
  void deleteWithTheRightUidPreconditionDeletes() {
    Replies created = create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Replies r =
        new Replies(
            servers.onReal("DELETE", configMapPath("cm"), JSON_TYPE, precondition(created.real())),
            servers.onEmulator(
                "DELETE", configMapPath("cm"), JSON_TYPE, precondition(created.emulator())));
    ConformanceServers.COMPARED.incrementAndGet();

    assertThat(r.real().status()).isEqualTo(200);
    assertThat(r.emulator().status()).isEqualTo(200);
    Replies get = servers.send("GET", configMapPath("cm"));
    assertThat(get.real().status()).isEqualTo(404);
    assertThat(get.emulator().status()).isEqualTo(404);
  }

  @Test
  void deleteWithBackgroundPropagationRemovesTheObject() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Replies r = servers.send("DELETE", configMapPath("cm"), JSON_TYPE, propagation("Background"));
    Replies get = servers.send("GET", configMapPath("cm"));

    assertThat(r.real().status()).isEqualTo(200);
    assertThat(r.emulator().status()).isEqualTo(200);
    assertThat(get.real().status()).isEqualTo(404);
    assertThat(get.emulator().status()).isEqualTo(404);
  }

  @Test
  void deleteWithForegroundPropagationWaitsForTheGarbageCollector() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Replies r = servers.send("DELETE", configMapPath("cm"), JSON_TYPE, propagation("Foreground"));
    Replies get = servers.send("GET", configMapPath("cm"));

    // The real server marks the object and leaves it to the garbage collector, which does not
    // run here: it stays, with a deletionTimestamp and the foregroundDeletion finalizer.
    assertThat(r.real().status()).isEqualTo(200);
    assertThat(get.real().status()).isEqualTo(200);
    assertThat(get.real().at("/metadata/deletionTimestamp")).isNotEmpty();
    assertThat(get.real().at("/metadata/finalizers/0")).isEqualTo("foregroundDeletion");
    // Known deviation: the emulator deletes at once, whatever the propagation policy.
    assertThat(get.emulator().status()).isEqualTo(404);
  }

  @Test
  void deleteWithOrphanPropagationWaitsForTheGarbageCollector() {
    create(configMapPath(""), configMap("cm", Map.of("a", "1")));
    Replies r = servers.send("DELETE", configMapPath("cm"), JSON_TYPE, propagation("Orphan"));
    Replies get = servers.send("GET", configMapPath("cm"));

    assertThat(r.real().status()).isEqualTo(200);
    assertThat(get.real().at("/metadata/finalizers/0")).isEqualTo("orphan");
    // Known deviation: the emulator deletes at once, whatever the propagation policy.
    assertThat(get.emulator().status()).isEqualTo(404);
  }

  // --- discovery --------------------------------------------------------------------------------

  @Test
  void discoveryListsTheSameCoreResources() {
    Replies r = servers.send("GET", "/api/v1");

    for (String resource : List.of("configmaps", "secrets", "namespaces", "services", "pods")) {
      assertThat(describe(r.emulator(), resource))
          .as(resource)
          .isEqualTo(describe(r.real(), resource));
    }
  }

  @Test
  void discoveryListsTheSameAppsResources() {
    Replies r = servers.send("GET", "/apis/apps/v1");

    assertThat(describe(r.emulator(), "deployments")).isEqualTo(describe(r.real(), "deployments"));
    Replies groups = servers.send("GET", "/apis");
    assertThat(groupNames(groups.real())).contains("apps", "batch", "apiextensions.k8s.io");
    assertThat(groupNames(groups.emulator())).contains("apps", "batch", "apiextensions.k8s.io");
  }

  // --- watch ------------------------------------------------------------------------------------

  @Test
  void watchFromATooOldResourceVersionIsGone() {
    // etcd keeps every revision until the API server compacts it, and the watch cache keeps
    // every event of a small cluster: RealKubernetes serves PodTemplates without the cache, and
    // compact() does now what kube-apiserver does every five minutes.
    for (KubernetesClient client : List.of(real.client(), emulator.client())) {
      podTemplates(client).resource(podTemplate("old")).create();
      podTemplates(client).resource(podTemplate("new")).create();
    }
    real.compact();
    List<Integer> codes = new ArrayList<>(); // 410, 0 (closed cleanly), -1, or null (still open)
    for (KubernetesClient client : List.of(real.client(), emulator.client())) {
      AtomicReference<Integer> code = new AtomicReference<>();
      Watch watch =
          podTemplates(client)
              .watch(
                  new ListOptionsBuilder().withResourceVersion("2").build(),
                  new Watcher<GenericKubernetesResource>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource resource) {}

                    @Override
                    public void onClose(WatcherException cause) {
                      code.set(cause == null ? 0 : cause.isHttpGone() ? 410 : -1);
                    }
                  });
      try {
        await("the watch from resourceVersion 2 closes")
            .atMost(Duration.ofSeconds(10))
            .until(() -> code.get() != null);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // Still open: recorded as null.
      }
      watch.close();
      codes.add(code.get());
    }
    ConformanceServers.COMPARED.incrementAndGet();

    assertThat(codes.get(0)).as("real").isEqualTo(410);
    // Known deviation: the emulator answers 410 only to a watch from before its last restart;
    // otherwise it replays every object as ADDED and keeps watching.
    assertThat(codes.get(1)).as("emulator").isNull();
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      podTemplates(KubernetesClient client) {
    return client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("")
                .withVersion("v1")
                .withPlural("podtemplates")
                .withKind("PodTemplate")
                .withNamespaced(true)
                .build())
        .inNamespace(ns);
  }

  private GenericKubernetesResource podTemplate(String name) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("v1")
        .withKind("PodTemplate")
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withAdditionalProperties(
            Map.of(
                "template",
                Map.of(
                    "spec",
                    Map.of("containers", List.of(Map.of("name", "app", "image", "nginx:1.27"))))))
        .build();
  }

  @Test
  void watchSendsABookmarkWhenAskedTo() {
    List<Boolean> bookmarked = new ArrayList<>();
    for (KubernetesClient client : List.of(real.client(), emulator.client())) {
      String version =
          client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
      List<Watcher.Action> actions = new CopyOnWriteArrayList<>();
      try (Watch watch =
          client
              .configMaps()
              .inNamespace(ns)
              .watch(
                  new ListOptionsBuilder()
                      .withResourceVersion(version)
                      .withAllowWatchBookmarks(true)
                      .withTimeoutSeconds(4L)
                      .build(),
                  new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                      actions.add(action);
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(new ConfigMapBuilder().withNewMetadata().withName("w").endMetadata().build())
            .create();
        await("the watch sees the new ConfigMap")
            .atMost(Duration.ofSeconds(30))
            .until(() -> actions.contains(Watcher.Action.ADDED));
        boolean bookmark;
        try {
          await("a bookmark before the watch times out")
              .atMost(Duration.ofSeconds(8))
              .until(() -> actions.contains(Watcher.Action.BOOKMARK));
          bookmark = true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          bookmark = false;
        }
        bookmarked.add(bookmark);
      }
    }
    ConformanceServers.COMPARED.incrementAndGet();

    assertThat(bookmarked.get(0)).as("real").isTrue();
    // Known deviation: the emulator never sends a bookmark.
    assertThat(bookmarked.get(1)).as("emulator").isFalse();
  }

  // --- custom resources -------------------------------------------------------------------------

  @Test
  void aCustomResourceIsServedOnceItsDefinitionIsEstablished() {
    String group = "c" + UUID.randomUUID().toString().substring(0, 6) + ".example.dev";
    Replies crd =
        servers.send(
            "POST",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            JSON_TYPE,
            crd(group));
    assertThat(crd.real().status()).isEqualTo(201);
    assertThat(crd.emulator().status()).isEqualTo(201);
    String crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group;
    await("the real CRD is Established")
        .atMost(Duration.ofSeconds(30))
        .until(() -> established(servers.onReal("GET", crdPath, null, null)));

    Replies discovery = servers.send("GET", "/apis/" + group + "/v1");
    Map<String, Object> widget =
        Map.of(
            "apiVersion",
            group + "/v1",
            "kind",
            "Widget",
            "metadata",
            Map.of("name", "w1", "namespace", ns),
            "spec",
            Map.of("size", 3));
    Replies created =
        servers.send(
            "POST", "/apis/" + group + "/v1/namespaces/" + ns + "/widgets", JSON_TYPE, widget);

    assertThat(describe(discovery.emulator(), "widgets"))
        .isEqualTo(describe(discovery.real(), "widgets"));
    assertThat(created.real().status()).isEqualTo(201);
    assertThat(created.emulator().status()).isEqualTo(201);
    assertThat(created.real().at("/spec/size")).isEqualTo("3");
    assertThat(created.emulator().at("/spec/size")).isEqualTo("3");
    // Known deviation: the emulator never sets the CRD's Established condition.
    assertThat(established(servers.onEmulator("GET", crdPath, null, null))).isFalse();
  }

  // ---------------------------------------------------------------------------------------------

  private Replies apply(String name, String manager, boolean force, Map<String, Object> object) {
    String path =
        ("Deployment".equals(object.get("kind")) ? deploymentPath(name) : configMapPath(name))
            + "?fieldManager="
            + manager
            + (force ? "&force=true" : "");
    return servers.send("PATCH", path, APPLY, object);
  }

  private Replies create(String collection, Map<String, Object> object) {
    return servers.send("POST", collection, JSON_TYPE, object);
  }

  private Replies create(String collection, Map<String, Object> object, String manager) {
    return servers.send("POST", collection + "?fieldManager=" + manager, JSON_TYPE, object);
  }

  private String configMapPath(String name) {
    return "/api/v1/namespaces/" + ns + "/configmaps" + (name.isEmpty() ? "" : "/" + name);
  }

  private String deploymentPath(String name) {
    return "/apis/apps/v1/namespaces/" + ns + "/deployments" + (name.isEmpty() ? "" : "/" + name);
  }

  private Map<String, Object> configMap(String name, Map<String, String> data) {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        "ConfigMap",
        "metadata",
        Map.of("name", name, "namespace", ns),
        "data",
        data);
  }

  @SafeVarargs
  private Map<String, Object> deployment(String name, Map<String, Object>... containers) {
    return Map.of(
        "apiVersion",
        "apps/v1",
        "kind",
        "Deployment",
        "metadata",
        Map.of("name", name, "namespace", ns),
        "spec",
        Map.of(
            "selector",
            Map.of("matchLabels", Map.of("app", name)),
            "template",
            Map.of(
                "metadata",
                Map.of("labels", Map.of("app", name)),
                "spec",
                Map.of("containers", List.of(containers)))));
  }

  private static Map<String, Object> container(String name, int port, String env) {
    return Map.of(
        "name",
        name,
        "image",
        "nginx:1.27",
        "ports",
        List.of(Map.of("containerPort", port, "protocol", "TCP")),
        "env",
        List.of(Map.of("name", env, "value", "x")));
  }

  private static Map<String, Object> propagation(String policy) {
    return Map.of("apiVersion", "v1", "kind", "DeleteOptions", "propagationPolicy", policy);
  }

  private static Map<String, Object> precondition(Reply created) {
    return Map.of(
        "apiVersion", "v1",
        "kind", "DeleteOptions",
        "preconditions", Map.of("uid", created.at("/metadata/uid")));
  }

  private static Map<String, Object> withVersion(Map<String, Object> object, Reply created) {
    Map<String, Object> metadata =
        new java.util.HashMap<>((Map<String, Object>) object.get("metadata"));
    metadata.put("resourceVersion", created.at("/metadata/resourceVersion"));
    Map<String, Object> copy = new java.util.HashMap<>(object);
    copy.put("metadata", metadata);
    return copy;
  }

  private static Map<String, Object> crd(String group) {
    return Map.of(
        "apiVersion",
        "apiextensions.k8s.io/v1",
        "kind",
        "CustomResourceDefinition",
        "metadata",
        Map.of("name", "widgets." + group),
        "spec",
        Map.of(
            "group",
            group,
            "scope",
            "Namespaced",
            "names",
            Map.of(
                "plural",
                "widgets",
                "singular",
                "widget",
                "kind",
                "Widget",
                "listKind",
                "WidgetList"),
            "versions",
            List.of(
                Map.of(
                    "name",
                    "v1",
                    "served",
                    true,
                    "storage",
                    true,
                    "schema",
                    Map.of(
                        "openAPIV3Schema",
                        Map.of("type", "object", "x-kubernetes-preserve-unknown-fields", true))))));
  }

  private static boolean established(Reply crd) {
    return StreamSupport.stream(crd.body().at("/status/conditions").spliterator(), false)
        .anyMatch(
            c ->
                c.path("type").asText().equals("Established")
                    && c.path("status").asText().equals("True"));
  }

  /** The fields manager {@code manager} owns under {@code data}, e.g. [f:a]. */
  private static List<String> fieldsOf(Reply reply, String manager) {
    List<String> fields = new ArrayList<>();
    reply
        .body()
        .at("/metadata/managedFields")
        .forEach(
            e -> {
              if (e.path("manager").asText().equals(manager)) {
                e.at("/fieldsV1/f:data").fieldNames().forEachRemaining(fields::add);
              }
            });
    return fields;
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(item -> names.add(item.path("name").asText()));
    return names;
  }

  /** A discovery entry reduced to what clients use: kind, scope, verbs, short names. */
  private static String describe(Reply discovery, String resource) {
    for (JsonNode r : discovery.body().path("resources")) {
      if (r.path("name").asText().equals(resource)) {
        TreeSet<String> verbs = new TreeSet<>();
        r.path("verbs").forEach(v -> verbs.add(v.asText()));
        TreeSet<String> shortNames = new TreeSet<>();
        r.path("shortNames").forEach(v -> shortNames.add(v.asText()));
        return r.path("kind").asText()
            + " namespaced="
            + r.path("namespaced").asBoolean()
            + " singular="
            + r.path("singularName").asText()
            + " verbs="
            + verbs
            + " short="
            + shortNames;
      }
    }
    return "(absent)";
  }

  private static List<String> groupNames(Reply apis) {
    List<String> names = new ArrayList<>();
    apis.body().path("groups").forEach(g -> names.add(g.path("name").asText()));
    return names;
  }
}
