package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A body the mock would parse as YAML and hang on is refused at once (the request times out in 10 s
 * otherwise).
 */
class UnsupportedMediaTypeIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static KubernetesEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = KubernetesEmulator.builder().start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void aProtobufBodyIsAnsweredWith415() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            "application/vnd.kubernetes.protobuf",
            protobufBody());

    assertThat(response.statusCode()).isEqualTo(415);
    JsonNode status = Json.read(response.body());
    assertThat(status.path("kind").asString()).isEqualTo("Status");
    assertThat(status.path("reason").asString()).isEqualTo("UnsupportedMediaType");
  }

  @Test
  void aProtobufBodyIsRecognisedWhateverItsContentType() throws Exception {
    HttpResponse<String> response =
        send("PUT", "/api/v1/namespaces/default/configmaps/a", "application/json", protobufBody());

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void anUnknownPatchTypeIsAnsweredWith415() throws Exception {
    HttpResponse<String> response =
        send(
            "PATCH",
            "/api/v1/namespaces/default/configmaps/a",
            "application/apply-patch+cbor",
            "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(415);
  }

  private static byte[] protobufBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {'k', '8', 's', 0, 0x0a, 0x0f, 0x0a, 0x02});
    body.writeBytes("v1\u0012\tConfigMap: {[".getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  private static HttpResponse<String> send(String method, String path, String type, byte[] body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(emulator.url() + path))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", type)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
