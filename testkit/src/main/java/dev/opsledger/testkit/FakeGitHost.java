package dev.opsledger.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback fake of the parts of the GitHub and GitLab REST APIs OpsLedger's notifier uses for
 * pull requests: comments (GitHub issue comments, GitLab merge request notes: list with paging,
 * create, edit) and commit statuses, with their documented paths, methods and token headers. It
 * keeps what was written, so a test can read the comments of a request as a user would see them.
 * Requests without the expected token get 401.
 */
public final class FakeGitHost implements AutoCloseable {

  /**
   * A request the fake answered.
   *
   * @param method the HTTP method
   * @param path the path and query
   * @param body the request body
   */
  public record Request(String method, String path, String body) {}

  /**
   * A comment as stored.
   *
   * @param id its id
   * @param body its Markdown
   */
  public record Comment(long id, String body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GH_COMMENTS =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");
  private static final Pattern GH_COMMENT =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/comments/(\\d+)");
  private static final Pattern GH_STATUS = Pattern.compile("/repos/([^/]+/[^/]+)/statuses/(\\w+)");
  private static final Pattern GL_NOTES =
      Pattern.compile("/projects/([^/]+)/merge_requests/(\\d+)/notes");
  private static final Pattern GL_NOTE =
      Pattern.compile("/projects/([^/]+)/merge_requests/(\\d+)/notes/(\\d+)");
  private static final Pattern GL_STATUS = Pattern.compile("/projects/([^/]+)/statuses/(\\w+)");

  private final HttpServer server;
  private final String token;
  private final AtomicLong ids = new AtomicLong(1000);
  private final Map<String, List<Comment>> comments = new LinkedHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> statuses = new CopyOnWriteArrayList<>();

  private FakeGitHost(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake on a random loopback port that accepts {@code token}. */
  public static FakeGitHost start(String token) {
    try {
      return new FakeGitHost(token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API base URL, e.g. {@code http://127.0.0.1:PORT}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The comments of a request ({@code owner/repo} or a GitLab project path), oldest first. */
  public synchronized List<Comment> comments(String repository, long number) {
    return List.copyOf(comments.getOrDefault(repository + "#" + number, List.of()));
  }

  /** Adds a comment as a person would (e.g. a review before OpsLedger's). */
  public synchronized void addComment(String repository, long number, String body) {
    comments
        .computeIfAbsent(repository + "#" + number, k -> new ArrayList<>())
        .add(new Comment(ids.incrementAndGet(), body));
  }

  /** Every request answered, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every commit status posted, in order: {@code sha}, {@code state}, {@code description}, ... */
  public List<JsonNode> statuses() {
    return List.copyOf(statuses);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery();
      String method = x.getRequestMethod();
      requests.add(new Request(method, query == null ? path : path + "?" + query, body));
      String auth = x.getRequestHeaders().getFirst("Authorization");
      String gitlabToken = x.getRequestHeaders().getFirst("PRIVATE-TOKEN");
      if (!("Bearer " + token).equals(auth) && !token.equals(gitlabToken)) {
        answer(x, 401, "{\"message\":\"Bad credentials\"}");
        return;
      }
      answer(x, route(method, path, query, body));
    }
  }

  private synchronized Answer route(String method, String path, String query, String body)
      throws IOException {
    Matcher m;
    if ((m = GL_NOTE.matcher(path)).matches() && method.equals("PUT")) {
      return edit(decode(m.group(1)) + "#" + m.group(2), Long.parseLong(m.group(3)), body);
    }
    if ((m = GH_COMMENT.matcher(path)).matches() && method.equals("PATCH")) {
      long id = Long.parseLong(m.group(2));
      for (var e : comments.entrySet()) {
        if (e.getValue().stream().anyMatch(c -> c.id() == id)) {
          return edit(e.getKey(), id, body);
        }
      }
      return new Answer(404, "{\"message\":\"Not Found\"}");
    }
    String key = null;
    if ((m = GH_COMMENTS.matcher(path)).matches()) {
      key = m.group(1) + "#" + m.group(2);
    } else if ((m = GL_NOTES.matcher(path)).matches()) {
      key = decode(m.group(1)) + "#" + m.group(2);
    }
    if (key != null && method.equals("GET")) {
      int page = Integer.parseInt(param(query, "page", "1"));
      int perPage = Integer.parseInt(param(query, "per_page", "30"));
      List<Comment> all = comments.getOrDefault(key, List.of());
      ArrayNode out = JSON.createArrayNode();
      for (int i = (page - 1) * perPage; i < Math.min(all.size(), page * perPage); i++) {
        out.addObject().put("id", all.get(i).id()).put("body", all.get(i).body());
      }
      return new Answer(200, out.toString());
    }
    if (key != null && method.equals("POST")) {
      Comment c = new Comment(ids.incrementAndGet(), JSON.readTree(body).path("body").asText());
      comments.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      return new Answer(
          201, JSON.createObjectNode().put("id", c.id()).put("body", c.body()).toString());
    }
    if (((m = GH_STATUS.matcher(path)).matches() || (m = GL_STATUS.matcher(path)).matches())
        && method.equals("POST")) {
      ObjectNode s = (ObjectNode) JSON.readTree(body);
      s.put("sha", m.group(2));
      statuses.add(s);
      return new Answer(201, "{}");
    }
    return new Answer(404, "{\"message\":\"Not Found\"}");
  }

  private Answer edit(String key, long id, String body) throws IOException {
    List<Comment> list = comments.getOrDefault(key, new ArrayList<>());
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id() == id) {
        list.set(i, new Comment(id, JSON.readTree(body).path("body").asText()));
        return new Answer(200, "{}");
      }
    }
    return new Answer(404, "{\"message\":\"Not Found\"}");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String param(String query, String name, String fallback) {
    if (query == null) {
      return fallback;
    }
    for (String p : query.split("&")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private record Answer(int status, String body) {}

  private static void answer(HttpExchange x, Answer a) throws IOException {
    answer(x, a.status(), a.body());
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
