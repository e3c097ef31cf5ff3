package dev.opsledger.audit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web view's static files, served from the classpath folder {@value #ROOT} (the {@code web}
 * module's jar): {@code /} is {@code index.html}, {@code /assets/...} are Vite's hashed bundles.
 *
 * <p>Only names of letters, digits, {@code . _ -} in at most two segments are looked up, so no
 * request path reaches beyond the folder ({@code ..}, encoded slashes, absolute names). Hashed
 * assets are cached for a year as immutable; {@code index.html} is revalidated each time, so a new
 * build is picked up at the next load. Every answer carries the page's Content-Security-Policy.
 */
final class WebAssets {

  static final String ROOT = "opsledger-web";

  /**
   * The page's policy: its own scripts, styles and API only; no inline script or style element, no
   * plug-ins, no frames, no form posts anywhere, no {@code <base>} rewriting.
   */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Pattern SAFE = Pattern.compile("(assets/)?[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json",
          "woff2", "font/woff2");

  private WebAssets() {}

  /** The headers every answer of the audit server carries, page or API. */
  static void secure(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
  }

  /** Answers a GET or HEAD of a page file; 404 for anything else under the root. */
  static void serve(HttpExchange ex) throws IOException {
    try {
      secure(ex);
      String method = ex.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        plain(ex, 405, "the web view is read-only: GET only");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String name = path.equals("/") ? "index.html" : path.substring(1);
      if (!SAFE.matcher(name).matches() || name.contains("..")) {
        plain(ex, 404, "not found");
        return;
      }
      byte[] body;
      try (InputStream in =
          WebAssets.class.getClassLoader().getResourceAsStream(ROOT + "/" + name)) {
        if (in == null) {
          plain(
              ex,
              404,
              name.equals("index.html")
                  ? "the web view is not in this build (the web module's jar is missing)"
                  : "not found");
          return;
        }
        body = in.readAllBytes();
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      var h = ex.getResponseHeaders();
      h.set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
      h.set(
          "Cache-Control",
          name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      if ("HEAD".equals(method)) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } finally {
      ex.close();
    }
  }

  private static void plain(HttpExchange ex, int status, String text) throws IOException {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
