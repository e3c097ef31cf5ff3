package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** kubectl, as a user of {@code opsledger up} runs it, against the emulator. */
class KubectlIT {

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: default
        labels: {app: web}
      spec:
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: nginx
              image: nginx:1.27
              ports: [{containerPort: 80}]
      """;

  private static final String WIDGET_DEFINITION =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gadgets.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gdg]}
        versions:
        - name: v1
          served: true
          storage: true
          schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
      """;

  @TempDir static Path work;
  private static KubernetesEmulator emulator;
  private static Path kubeconfig;

  @BeforeAll
  static void start() {
    assumeTrue(onPath("kubectl"), "kubectl is not on PATH: skipping the kubectl tests");
    emulator = KubernetesEmulator.builder().start();
    kubeconfig = emulator.writeKubeconfig(work.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void getAppliesServerSidePatchesAndReadsBackDeployments() throws Exception {
    assertThat(kubectl("get", "deployments", "-A").output()).contains("No resources found");

    Path manifest = Files.writeString(work.resolve("deployment.yaml"), DEPLOYMENT);
    assertThat(kubectl("apply", "--server-side", "-f", manifest.toString()).output())
        .contains("deployment.apps/web serverside-applied");
    assertThat(kubectl("get", "deployments", "-A").output()).contains("default").contains("web");

    assertThat(kubectl("patch", "deployment", "web", "-p", "{\"spec\":{\"replicas\":3}}").output())
        .contains("deployment.apps/web patched");

    JsonNode web = json(kubectl("get", "deployment", "web", "-o", "json", "--show-managed-fields"));
    assertThat(web.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(
            web.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("image")
                .asString())
        .isEqualTo("nginx:1.27");
    assertThat(web.path("metadata").path("generation").asInt()).isEqualTo(2);
    List<String> managers = new ArrayList<>();
    web.path("metadata")
        .path("managedFields")
        .forEach(
            e -> managers.add(e.path("manager").asString() + "/" + e.path("operation").asString()));
    assertThat(managers).containsExactly("kubectl/Apply", "kubectl-patch/Update");
  }

  @Test
  void createsAndUsesACustomResourceDefinition() throws Exception {
    Path crd = Files.writeString(work.resolve("crd.yaml"), WIDGET_DEFINITION);
    kubectl("apply", "--server-side", "-f", crd.toString());
    Path gadget =
        Files.writeString(
            work.resolve("gadget.yaml"),
            "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {size: 1}\n");

    assertThat(kubectl("apply", "-f", gadget.toString()).output())
        .contains("gadget.example.com/g1 created");
    assertThat(kubectl("get", "gdg", "g1", "-o", "jsonpath={.spec.size}").output()).isEqualTo("1");
    assertThat(kubectl("delete", "gadget", "g1").output()).contains("deleted");
  }

  @Test
  void aProtobufCreateFailsFastInsteadOfHanging() throws Exception {
    Result result = run(List.of("create", "configmap", "typed", "--from-literal=a=b"));

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("cannot read a protobuf body");
  }

  private record Result(int exitCode, String output) {}

  private static Result kubectl(String... args) throws Exception {
    Result result = run(List.of(args));
    assertThat(result.exitCode())
        .as("kubectl %s: %s", String.join(" ", args), result.output())
        .isZero();
    return result;
  }

  private static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + work.resolve("cache"));
    command.add("--request-timeout=20s");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("HOME", work.toString());
    builder.environment().remove("KUBECONFIG");
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl " + args + " did not finish within 60 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), output.trim());
  }

  private static JsonNode json(Result result) {
    return Json.read(result.output());
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
