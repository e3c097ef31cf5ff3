package dev.opsledger.notifier.channel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs a body and sorts the answer: 2xx is delivered; 408, 429 and 5xx, timeouts and connection
 * errors are retryable; any other status is terminal. Error messages name the channel and the
 * status, never the URL's path or query (where Slack keeps its secret) nor a token.
 */
final class HttpPoster {

  private final HttpClient client;
  private final Duration requestTimeout;
  private final ErrorText errors;
  private final String channel;

  HttpPoster(HttpClient client, Duration requestTimeout, ErrorText errors, String channel) {
    this.client = client;
    this.requestTimeout = requestTimeout;
    this.errors = errors;
    this.channel = channel;
  }

  /** Posts and returns the status code of a 2xx answer. */
  int post(URI uri, Map<String, String> headers, byte[] body) throws DeliveryException {
    return exchange(uri, headers, body).statusCode();
  }

  /** Posts and returns the body of a 2xx answer (an API that answers with data). */
  String postForBody(URI uri, Map<String, String> headers, byte[] body) throws DeliveryException {
    return exchange(uri, headers, body).body();
  }

  /**
   * Sends a request with any method ({@code GET} without a body, {@code PATCH}, {@code PUT}) and
   * returns the body of a 2xx answer; answers are sorted as {@link #post} sorts them.
   */
  String send(String method, URI uri, Map<String, String> headers, byte[] body)
      throws DeliveryException {
    return exchange(
            uri,
            headers,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body),
            method)
        .body();
  }

  private HttpResponse<String> exchange(URI uri, Map<String, String> headers, byte[] body)
      throws DeliveryException {
    return exchange(uri, headers, HttpRequest.BodyPublishers.ofByteArray(body), "POST");
  }

  private HttpResponse<String> exchange(
      URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, String method)
      throws DeliveryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("User-Agent", "opsledger-notifier")
            .method(method, body);
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new DeliveryException.Retryable(
          "channel '" + channel + "': no answer within " + requestTimeout, null);
    } catch (IOException e) {
      throw new DeliveryException.Retryable(
          "channel '"
              + channel
              + "': "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + errors.clean(e.getMessage())),
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException.Retryable("channel '" + channel + "': interrupted", null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    String message =
        "channel '"
            + channel
            + "': HTTP "
            + status
            + " from "
            + errors.clean(uri.toString())
            + excerpt(response.body());
    if (status == 408 || status == 429 || status >= 500) {
      throw new DeliveryException.Retryable(message, retryAfter(response));
    }
    throw new DeliveryException.Terminal(message);
  }

  private String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String b = body.length() > 200 ? body.substring(0, 200) : body;
    return ": " + errors.clean(b);
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(
            v -> {
              try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
              } catch (NumberFormatException e) {
                return null;
              }
            })
        .orElse(null);
  }
}
