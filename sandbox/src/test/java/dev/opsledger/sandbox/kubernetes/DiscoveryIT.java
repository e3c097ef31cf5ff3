package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DiscoveryIT {

  private static KubernetesEmulator emulator;
  private static KubernetesClient client;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
  void servesDiscoveryDocumentsForBuiltInKinds() throws Exception {
    assertThat(get("/api").path("versions").get(0).asString()).isEqualTo("v1");
    assertThat(names(get("/apis").path("groups"), "name"))
        .contains(
            "apps",
            "batch",
            "networking.k8s.io",
            "autoscaling",
            "rbac.authorization.k8s.io",
            "apiextensions.k8s.io");
    assertThat(names(get("/api/v1").path("resources"), "name"))
        .contains(
            "namespaces",
            "pods",
            "services",
            "configmaps",
            "secrets",
            "serviceaccounts",
            "persistentvolumeclaims",
            "events");
    JsonNode deployments = get("/apis/apps/v1").path("resources").get(0);
    assertThat(deployments.path("name").asString()).isEqualTo("deployments");
    assertThat(deployments.path("singularName").asString()).isEqualTo("deployment");
    assertThat(deployments.path("kind").asString()).isEqualTo("Deployment");
    assertThat(deployments.path("namespaced").asBoolean()).isTrue();
    assertThat(names(deployments.path("verbs"), null)).contains("get", "list", "watch", "patch");
    assertThat(names(deployments.path("shortNames"), null)).containsExactly("deploy");
    assertThat(names(get("/apis/autoscaling/v2").path("resources"), "name"))
        .containsExactly("horizontalpodautoscalers");
    assertThat(get("/version").path("gitVersion").asString()).startsWith("v1.");
  }

  @Test
  void servesCustomResourcesOnceTheirDefinitionExists() throws Exception {
    assertThat(status("/apis/example.com/v1")).isEqualTo(404);

    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(TestObjects.widgetDefinition())
        .create();

    JsonNode group = get("/apis/example.com");
    assertThat(group.path("preferredVersion").path("version").asString()).isEqualTo("v1");
    assertThat(names(group.path("versions"), "version")).containsExactly("v1", "v1beta1");
    JsonNode widgets = get("/apis/example.com/v1").path("resources").get(0);
    assertThat(widgets.path("name").asString()).isEqualTo("widgets");
    assertThat(widgets.path("kind").asString()).isEqualTo("Widget");
    assertThat(names(widgets.path("shortNames"), null)).containsExactly("wdg");

    List<String> events = new CopyOnWriteArrayList<>();
    Watch watch =
        client
            .genericKubernetesResources("example.com/v1", "Widget")
            .inNamespace("default")
            .watch(recorder(events));
    try {
      GenericKubernetesResource created =
          client
              .genericKubernetesResources("example.com/v1", "Widget")
              .inNamespace("default")
              .resource(widget("w1", 1))
              .create();
      assertThat(created.getMetadata().getUid()).isNotBlank();
      client
          .genericKubernetesResources("example.com/v1", "Widget")
          .resource(widget("w1", 2))
          .fieldManager("test")
          .forceConflicts()
          .serverSideApply();
      assertThat(
              client
                  .genericKubernetesResources("example.com/v1", "Widget")
                  .inNamespace("default")
                  .withName("w1")
                  .get()
                  .<Integer>get("spec", "size"))
          .isEqualTo(2);
      client
          .genericKubernetesResources("example.com/v1", "Widget")
          .inNamespace("default")
          .withName("w1")
          .delete();

      await("the watch hears of the custom resource's add, update and delete")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(events).containsExactly("ADDED w1", "MODIFIED w1", "DELETED w1"));
    } finally {
      watch.close();
    }
  }

  private static GenericKubernetesResource widget(String name, int size) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("example.com/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("size", size)))
        .build();
  }

  private static Watcher<GenericKubernetesResource> recorder(List<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        // the test closes the watch
      }
    };
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(field == null ? n.asString() : n.path(field).asString()));
    return names;
  }

  private static JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return Json.read(response.body());
  }

  private static int status(String path) throws IOException, InterruptedException {
    return send(path).statusCode();
  }

  private static HttpResponse<String> send(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(emulator.url() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
