package dev.opsledger.sandbox.kubernetes;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request to the emulator with its path split from its query.
 *
 * @param method HTTP method
 * @param path the path without query, e.g. {@code /apis/apps/v1/namespaces/a/deployments/b}
 * @param query decoded query parameters
 * @param contentType the {@code Content-Type} header without parameters, lower case, or empty
 * @param userAgent the {@code User-Agent} header, or empty
 * @param body the raw body, empty if none
 * @param webSocketUpgrade whether the client asks for a WebSocket upgrade
 */
record ApiRequest(
    HttpMethod method,
    String path,
    Map<String, List<String>> query,
    String contentType,
    String userAgent,
    byte[] body,
    boolean webSocketUpgrade) {

  static ApiRequest of(RecordedRequest request) {
    String uri = request.getPath();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    Map<String, List<String>> query = q < 0 ? Map.of() : parseQuery(uri.substring(q + 1));
    String contentType = header(request, "Content-Type");
    int semicolon = contentType.indexOf(';');
    if (semicolon >= 0) {
      contentType = contentType.substring(0, semicolon);
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    String upgrade = header(request, "Upgrade");
    return new ApiRequest(
        request.method(),
        path,
        query,
        contentType.trim().toLowerCase(Locale.ROOT),
        header(request, "User-Agent"),
        body == null ? new byte[0] : body,
        upgrade.toLowerCase(Locale.ROOT).contains("websocket"));
  }

  private static String header(RecordedRequest request, String name) {
    String value = request.getHeader(name);
    return value == null ? "" : value;
  }

  private static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The first value of a query parameter, or null. */
  String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** {@code ?dryRun=All}: the request is validated and answered but nothing is stored. */
  boolean dryRun() {
    List<String> values = query.get("dryRun");
    return values != null && values.stream().anyMatch("All"::equalsIgnoreCase);
  }

  /** {@code ?force=true} on a server-side apply. */
  boolean force() {
    return "true".equalsIgnoreCase(param("force"));
  }

  /** {@code ?watch=true} (or {@code 1}). */
  boolean watch() {
    String watch = param("watch");
    return "true".equalsIgnoreCase(watch) || "1".equals(watch);
  }

  /**
   * The field manager: {@code ?fieldManager}, else the User-Agent up to its first slash (what the
   * API server does), else {@code unknown}.
   */
  String fieldManager() {
    String manager = param("fieldManager");
    if (manager != null && !manager.isEmpty()) {
      return manager;
    }
    int slash = userAgent.indexOf('/');
    String fromAgent = slash < 0 ? userAgent : userAgent.substring(0, slash);
    return fromAgent.isBlank() ? "unknown" : fromAgent.trim();
  }

  /** Whether the path addresses the {@code status} subresource. */
  boolean statusSubresource() {
    return path.endsWith("/status");
  }

  /** Whether the body is empty. */
  boolean hasBody() {
    return body.length > 0;
  }

  String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
