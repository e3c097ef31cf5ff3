package dev.opsledger.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.opsledger.testkit.kube.RealKubernetes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two servers of {@link EmulatorConformanceIT}: every request goes to the real API server and
 * to the emulator alike, and both replies come back side by side.
 */
final class ConformanceServers {

  static final ObjectMapper JSON = new ObjectMapper();

  /** How many requests went to both servers, for the suite's closing line. */
  static final AtomicInteger COMPARED = new AtomicInteger();

  private final Server real;
  private final Server emulator;

  ConformanceServers(RealKubernetes real, KubernetesEmulator emulator) {
    this.real =
        new Server(
            "real",
            real.url(),
            "Bearer " + real.token(RealKubernetes.ADMIN),
            HttpClient.newBuilder().sslContext(real.sslContext()).build());
    this.emulator = new Server("emulator", emulator.url(), null, HttpClient.newHttpClient());
  }

  /** A reply: the HTTP status and the JSON body (a missing node when there is none). */
  record Reply(int status, JsonNode body) {

    /** The text at a JSON pointer, or "" when absent. */
    String at(String pointer) {
      return body.at(pointer).asText("");
    }

    /** The Status reason of an error reply (NotFound, AlreadyExists, Conflict, Invalid, ...). */
    String reason() {
      return at("/reason");
    }
  }

  /** The replies of both servers to one request. */
  record Replies(Reply real, Reply emulator) {}

  Replies send(String method, String path) {
    return send(method, path, null, null);
  }

  Replies send(String method, String path, String contentType, Object body) {
    COMPARED.incrementAndGet();
    String text;
    try {
      text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Replies(
        real.send(method, path, contentType, text), emulator.send(method, path, contentType, text));
  }

  /** Sends to one server only: setup that is not itself compared. */
  Reply onReal(String method, String path, String contentType, Object body) {
    return real.send(method, path, contentType, asText(body));
  }

  Reply onEmulator(String method, String path, String contentType, Object body) {
    return emulator.send(method, path, contentType, asText(body));
  }

  private static String asText(Object body) {
    try {
      return body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Server(String name, String url, String authorization, HttpClient http) {

    Reply send(String method, String path, String contentType, String body) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json =
            response.body().isBlank() ? MissingNode.getInstance() : parse(response.body());
        return new Reply(response.statusCode(), json);
      } catch (IOException e) {
        throw new UncheckedIOException(name + " " + method + " " + path, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static JsonNode parse(String body) {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return JSON.getNodeFactory().textNode(body);
      }
    }
  }
}
