package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opsledger.service.tracing.EventTracing;
import dev.opsledger.testkit.GitFixture;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One commit is one trace: the five services of {@code opsledger up} in one process, configured as
 * a user would ({@code opsledger.tracing.endpoint}), export their spans over OTLP/HTTP to a
 * receiver on loopback that decodes each {@code ExportTraceServiceRequest}; the spans of the
 * commit's trace come from the git-watcher, the differ, the applier and the notifier, hang from one
 * root, and carry no Secret value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingE2E {

  private static final String TARGET = "tracing";
  private static final String SECRET_VALUE = "tracing-canary-8d1f0c2a";

  @TempDir static Path dir;

  private GitFixture git;
  private HttpServer collector;
  private final ConcurrentLinkedQueue<Received> spans = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> contentTypes = new ConcurrentLinkedQueue<>();
  private Launcher.Running running;

  /** One exported span with what the assertions read. */
  private record Received(
      String serviceName,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Span.SpanKind kind,
      Map<String, String> attributes) {
    String attribute(String key) {
      return attributes.get(key);
    }
  }

  @BeforeAll
  void start() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        ex -> {
          contentTypes.add(String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
          receive(ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes()));
          byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
          ex.getResponseBody().write(ok);
          ex.close();
        });
    collector.start();
    git = GitFixture.create(dir.resolve("git"));
    running =
        Launcher.start(
            new Launcher.Settings(
                dir.resolve("data"),
                git.remoteUrl(),
                "main",
                "",
                null,
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
                    "opsledger.tracing.endpoint",
                    "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces")));
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    collector.stop(0);
    git.close();
  }

  @Test
  void oneCommitIsOneTraceAcrossGitWatcherDifferApplierAndNotifier() {
    String sha =
        git.commit("Add the shop")
            .write(
                "apps/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")
            .write(
                "apps/config.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n"
                    + "  namespace: shop\ndata:\n  greeting: hello\n")
            .write(
                "apps/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-token\n  namespace: shop\n"
                    + "stringData:\n  token: "
                    + SECRET_VALUE
                    + "\n")
            .push();
    await("the config map is applied")
        .until(
            () ->
                running
                        .emulator()
                        .client()
                        .configMaps()
                        .inNamespace("shop")
                        .withName("web-config")
                        .get()
                    != null);

    await("the commit's trace reaches all four services, as one tree")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertOneTrace(sha));
    assertThat(spans)
        .as("no span carries a Secret value")
        .allSatisfy(
            s ->
                assertThat(String.join("\n", s.attributes().values()) + s.name())
                    .doesNotContain(SECRET_VALUE));
    assertThat(contentTypes).as("OTLP/HTTP with protobuf").contains("application/x-protobuf");
  }

  private void assertOneTrace(String sha) {
    List<Received> roots =
        spans.stream()
            .filter(s -> s.name().equals("record commit"))
            .filter(s -> sha.equals(s.attribute(EventTracing.COMMIT_KEY)))
            .toList();
    assertThat(roots).as("one root span for the commit").hasSize(1);
    Received root = roots.get(0);
    assertThat(root.parentSpanId()).as("the commit starts the trace").isEmpty();
    List<Received> trace = spans.stream().filter(s -> s.traceId().equals(root.traceId())).toList();
    assertThat(services(trace))
        .as("the services of the trace's spans: %s", summary(trace))
        .containsAll(Set.of("git-watcher", "differ", "applier", "notifier"));
    assertThat(
            trace.stream()
                .filter(s -> "applier".equals(s.attribute(EventTracing.SERVICE_KEY)))
                .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_PRODUCER)
                .map(s -> s.attribute("messaging.destination.name")))
        .as("the applier's outcomes are sent inside the trace: %s", summary(trace))
        .contains("opsledger.applies");
    Map<String, Received> byId =
        trace.stream().collect(Collectors.toMap(Received::spanId, s -> s, (a, b) -> a));
    assertThat(trace)
        .as("every other span of the trace hangs from one in it: one tree, no broken link")
        .filteredOn(s -> s != root)
        .allSatisfy(s -> assertThat(byId).containsKey(s.parentSpanId()));
    assertThat(trace)
        .as("a consumed record continues its sender's span")
        .filteredOn(s -> s.kind() == Span.SpanKind.SPAN_KIND_CONSUMER)
        .allSatisfy(
            s ->
                assertThat(byId.get(s.parentSpanId()).kind())
                    .isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER));
    assertThat(trace)
        .as("messaging attributes")
        .filteredOn(s -> s.kind() != Span.SpanKind.SPAN_KIND_INTERNAL)
        .allSatisfy(
            s -> {
              assertThat(s.attribute("messaging.system")).isEqualTo("kafka");
              assertThat(s.attribute("messaging.destination.name")).startsWith("opsledger.");
            });
    assertThat(trace)
        .as("spans about the commit's resources name them")
        .anySatisfy(
            s ->
                assertThat(s.attribute("cloudevents.event_subject"))
                    .isEqualTo(TARGET + "/core/Secret/shop/web-token"));
    assertThat(trace.stream().map(Received::serviceName).distinct())
        .as("the resource names the process")
        .containsExactly("opsledger-up");
  }

  private static String summary(List<Received> trace) {
    return trace.stream()
        .map(s -> s.attribute(EventTracing.SERVICE_KEY) + ":" + s.name())
        .sorted()
        .distinct()
        .collect(Collectors.joining(", "));
  }

  private static Set<String> services(List<Received> trace) {
    return trace.stream()
        .map(s -> s.attribute(EventTracing.SERVICE_KEY))
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private void receive(ExportTraceServiceRequest request) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service =
          rs.getResource().getAttributesList().stream()
              .filter(kv -> kv.getKey().equals("service.name"))
              .map(kv -> kv.getValue().getStringValue())
              .findFirst()
              .orElse("");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans.add(
              new Received(
                  service,
                  hex(s.getTraceId().toByteArray()),
                  hex(s.getSpanId().toByteArray()),
                  hex(s.getParentSpanId().toByteArray()),
                  s.getName(),
                  s.getKind(),
                  s.getAttributesList().stream()
                      .collect(Collectors.toMap(KeyValue::getKey, TracingE2E::text, (a, b) -> b))));
        }
      }
    }
  }

  private static String text(KeyValue kv) {
    var v = kv.getValue();
    return v.hasStringValue() ? v.getStringValue() : v.hasIntValue() ? "" + v.getIntValue() : "";
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
