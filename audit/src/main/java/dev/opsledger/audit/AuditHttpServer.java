package dev.opsledger.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's read-only HTTP JSON API:
 *
 * <ul>
 *   <li>{@code GET /api/v1/history?resource=KEY[&from=T][&to=T][&limit=N][&after=EVENT-ID]}
 *   <li>{@code GET /api/v1/state?at=T[&limit=N][&after=KEY]}
 *   <li>{@code GET /api/v1/timeline?sha=SHA}
 *   <li>{@code GET /api/v1/changes?since=T&until=T}
 *   <li>{@code GET /api/v1/status[?limit=N][&after=KEY]} — every resource now (the live view)
 *   <li>{@code GET /api/v1/stream} — the live view's changes as server-sent events ({@link
 *       StatusStream})
 * </ul>
 *
 * <p>Every other path is the web view's page ({@link WebAssets}): static files that hold no data
 * and need no token; the page then asks for the token and sends it with each API call.
 *
 * <p>Times are RFC 3339 instants. With a token configured, every request needs {@code
 * Authorization: Bearer <token>} (compared in constant time). Only GET is served.
 *
 * <p>Paging: with {@code limit}, a history or a state holds at most that many entries or resources,
 * after the event id or resource key {@code after}; the response header {@code X-Next-After} names
 * where the next page starts when there is one. The body keeps its shape.
 *
 * <p>The server keeps the audit's store (offset index and snapshots) up to date every {@value
 * #MAINTAIN_SECONDS} seconds, when this process holds it.
 */
public final class AuditHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditHttpServer.class);

  static final int MAINTAIN_SECONDS = 30;
  private static final int MAX_LIMIT = 10_000;

  /** Open event streams at most: each holds one of the server's threads. */
  static final int MAX_STREAMS = 8;

  private final HttpServer server;
  private final java.util.concurrent.ScheduledExecutorService maintenance;
  private final AuditService audit;
  private final byte[] token;
  private final StatusStream stream;
  private LiveFollower live;

  /**
   * Starts the API.
   *
   * @param audit the audit to answer from
   * @param address where to listen (port 0 picks one)
   * @param bearerToken the token requests must carry, or {@code null} for none
   */
  public AuditHttpServer(AuditService audit, InetSocketAddress address, String bearerToken)
      throws IOException {
    this(audit, address, bearerToken, Duration.ofSeconds(1), Duration.ofSeconds(15));
  }

  /**
   * Starts the API with the event stream's refresh and heartbeat intervals.
   *
   * @param tick how often the event stream reads what the log gained while anyone listens
   * @param heartbeat how long a stream stays silent at most
   */
  AuditHttpServer(
      AuditService audit,
      InetSocketAddress address,
      String bearerToken,
      Duration tick,
      Duration heartbeat)
      throws IOException {
    this.audit = audit;
    this.token = bearerToken == null ? null : bearerToken.getBytes(StandardCharsets.UTF_8);
    this.stream = new StatusStream(this::liveStatus, tick, heartbeat, MAX_STREAMS);
    this.server = HttpServer.create(address, 0);
    server.createContext("/api/v1/", this::handle);
    server.createContext("/", WebAssets::serve);
    // Two threads for answers, one more for each event stream it may hold open.
    server.setExecutor(Executors.newFixedThreadPool(2 + MAX_STREAMS));
    server.start();
    maintenance =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "audit-store");
              t.setDaemon(true);
              return t;
            });
    maintenance.scheduleWithFixedDelay(this::maintain, 1, MAINTAIN_SECONDS, TimeUnit.SECONDS);
  }

  private void maintain() {
    try {
      audit.maintain();
    } catch (RuntimeException e) {
      // Derived data: a failed round leaves answers right (and slower); the next round retries.
      LOG.warn("could not bring the audit index and snapshots up to date: {}", e.toString());
    }
  }

  /** The port the API listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    stream.close();
    maintenance.shutdownNow();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      answer(ex);
    } finally {
      ex.close();
    }
  }

  private void answer(HttpExchange ex) throws IOException {
    WebAssets.secure(ex);
    try {
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().add("Allow", "GET");
        send(ex, 405, Map.of("error", "the audit API is read-only: GET only"));
        return;
      }
      if (!authorized(ex)) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        send(ex, 401, Map.of("error", "a valid bearer token is required"));
        return;
      }
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String path = ex.getRequestURI().getPath();
      if (path.equals("/api/v1/stream")) {
        stream.serve(ex);
        return;
      }
      limit(q); // a bad page size is refused before the log is read
      Object answer =
          switch (path) {
            case "/api/v1/history" ->
                historyPage(
                    ex,
                    q,
                    audit.history(
                        ResourceKey.parse(required(q, "resource")),
                        time(q, "from"),
                        time(q, "to")));
            case "/api/v1/state" -> statePage(ex, q, audit.stateAt(timeRequired(q, "at")));
            case "/api/v1/timeline" -> audit.timeline(required(q, "sha"));
            case "/api/v1/changes" -> audit.who(timeRequired(q, "since"), timeRequired(q, "until"));
            case "/api/v1/status" -> statusPage(ex, q, stream.refresh(false));
            default -> null;
          };
      if (answer == null) {
        send(ex, 404, Map.of("error", "no such endpoint: " + path));
      } else {
        send(ex, 200, answer);
      }
    } catch (IllegalArgumentException e) {
      send(ex, 400, Map.of("error", e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("audit request failed", e);
      send(ex, 503, Map.of("error", "the log could not be read: " + e.getMessage()));
    }
  }

  private static Answers.ResourceHistory historyPage(
      HttpExchange ex, Map<String, String> q, Answers.ResourceHistory h) {
    Integer limit = limit(q);
    if (limit == null) {
      return h;
    }
    Page<Answers.HistoryEntry> page =
        page(h.entries(), Answers.HistoryEntry::eventId, q.get("after"), limit);
    page.next().ifPresent(n -> ex.getResponseHeaders().set("X-Next-After", n));
    return new Answers.ResourceHistory(h.resource(), page.items(), h.unreadable());
  }

  private static Answers.StateAt statePage(
      HttpExchange ex, Map<String, String> q, Answers.StateAt s) {
    Integer limit = limit(q);
    if (limit == null) {
      return s;
    }
    Page<Answers.ResourceState> page =
        page(s.resources(), r -> r.resource().toString(), q.get("after"), limit);
    page.next().ifPresent(n -> ex.getResponseHeaders().set("X-Next-After", n));
    return new Answers.StateAt(s.at(), page.items());
  }

  private static Answers.Status statusPage(
      HttpExchange ex, Map<String, String> q, Answers.Status s) {
    Integer limit = limit(q);
    if (limit == null) {
      return s;
    }
    Page<Answers.StatusEntry> page =
        page(s.resources(), Answers.StatusEntry::key, q.get("after"), limit);
    page.next().ifPresent(n -> ex.getResponseHeaders().set("X-Next-After", n));
    return new Answers.Status(s.at(), page.items(), s.warnings());
  }

  /**
   * The live view now, read by one follower shared by the status endpoint and the event stream
   * (which serialises the calls), handing on each change the log gained.
   */
  private Answers.Status liveStatus(Consumer<Answers.LiveChange> gained) {
    if (live == null) {
      live = audit.liveView();
    }
    LiveView.Now now =
        live.refresh(
            e -> {
              Answers.LiveChange c = change(e);
              if (c != null) {
                gained.accept(c);
              }
            });
    List<Answers.StatusEntry> rows =
        now.resources().stream()
            .map(
                r ->
                    new Answers.StatusEntry(
                        r.resource().toString(),
                        r,
                        now.awaitingApproval().containsKey(r.resource()),
                        now.leftAsIs().containsKey(r.resource())))
            .sorted(Comparator.comparing(Answers.StatusEntry::key))
            .toList();
    return new Answers.Status(Instant.now(), rows, now.warnings());
  }

  /** What the stream tells of a record: a resource's event, as the history summarises it. */
  static Answers.LiveChange change(LoggedEvent e) {
    if (!e.readable()
        || !(e.data() instanceof ResourceEvent re)
        || re.resource().name().equals(ResourceKey.ANY_NAME)) {
      return null;
    }
    return new Answers.LiveChange(
        e.event().time(),
        e.topic(),
        e.event().type().ceType(),
        re.resource().toString(),
        AuditProjections.revisionOf(re),
        re instanceof DiffEvent d ? d.state().label() : null,
        AuditProjections.summary(re));
  }

  /** One page of an answer, and the id the next page starts after, if there is one. */
  record Page<T>(List<T> items, java.util.Optional<String> next) {}

  /** At most {@code limit} items after the one whose id is {@code after} (null: from the start). */
  static <T> Page<T> page(List<T> all, Function<T, String> id, String after, int limit) {
    int start = 0;
    if (after != null && !after.isBlank()) {
      start = -1;
      for (int i = 0; i < all.size(); i++) {
        if (after.equals(id.apply(all.get(i)))) {
          start = i + 1;
          break;
        }
      }
      if (start < 0) {
        throw new IllegalArgumentException("'after' names nothing in the answer: '" + after + "'");
      }
    }
    int end = Math.min(all.size(), start + limit);
    return new Page<>(
        all.subList(start, end),
        end < all.size() && end > start
            ? java.util.Optional.of(id.apply(all.get(end - 1)))
            : java.util.Optional.empty());
  }

  static Integer limit(Map<String, String> q) {
    String v = q.get("limit");
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        "'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + v + "'");
  }

  private boolean authorized(HttpExchange ex) {
    if (token == null) {
      return true;
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes;
    try {
      bytes = EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      bytes = "{\"error\":\"cannot serialise the answer\"}".getBytes(StandardCharsets.UTF_8);
      status = 500;
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("query parameter '" + name + "' is required");
    }
    return v;
  }

  private static Instant timeRequired(Map<String, String> q, String name) {
    return parseTime(name, required(q, name));
  }

  private static Instant time(Map<String, String> q, String name) {
    String v = q.get(name);
    return v == null || v.isBlank() ? null : parseTime(name, v);
  }

  private static Instant parseTime(String name, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' must be an RFC 3339 instant such as 2026-01-02T03:04:05Z, got '"
              + v
              + "'");
    }
  }
}
