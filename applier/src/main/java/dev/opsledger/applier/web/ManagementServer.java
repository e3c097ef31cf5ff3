package dev.opsledger.applier.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsledger.applier.rollback.RollbackPlan;
import dev.opsledger.applier.rollback.RollbackPlans;
import dev.opsledger.applier.rollback.RollbackRefused;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's management port: {@code POST /api/v1/approvals} and {@code POST /api/v1/rollbacks},
 * on a server of its own, apart from the HTTP port that serves health and the git-watcher's
 * webhooks, so that a NetworkPolicy can let only operators reach it.
 *
 * <p>Each request is checked in this order, and the first failure answers: the {@code Host} header
 * names a loopback name or an allowed host (else 421); the path and method (404, 405); a bearer
 * token of a configured approver (401, nothing of the body read); the body at most {@code
 * max-body-size} bytes (413); JSON (415, 400, see {@link ApprovalRequest}). Then a {@code
 * SyncApproved} with the token's identity as {@code approvedBy} is written to {@code
 * opsledger.approvals}, and 202 answers once Kafka has it (503 if not). The applier acts on the
 * event, not on the request. A rollback is planned from the log first (404 for a source, resource
 * or revision it does not know, 409 for an ambiguous SHA prefix or a target that changes nothing,
 * see {@link RollbackRefused}), then written as one {@code RollbackRequested} per resource, with
 * the token's identity as {@code requestedBy}.
 */
public final class ManagementServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  /** The approvals endpoint. */
  public static final String APPROVALS = "/api/v1/approvals";

  /** The rollbacks endpoint. */
  public static final String ROLLBACKS = "/api/v1/rollbacks";

  private final HttpServer server;
  private final ExecutorService executor;
  private final EventPublisher publisher;
  private final String source;
  private final Duration timeout;
  private final ApproverTokens tokens;
  private final HostCheck hosts;
  private final int maxBodySize;
  private final RollbackPlans rollbacks;

  /** Starts the server without rollbacks ({@code /api/v1/rollbacks} answers 404). */
  public ManagementServer(
      InetSocketAddress address,
      EventPublisher publisher,
      String source,
      Duration timeout,
      ApproverTokens tokens,
      HostCheck hosts,
      int maxBodySize)
      throws IOException {
    this(address, publisher, source, timeout, tokens, hosts, maxBodySize, null);
  }

  /**
   * Starts the server.
   *
   * @param address where to listen (port 0 picks one)
   * @param publisher writes the approvals
   * @param source the {@code ce_source} of the approvals
   * @param timeout how long to wait for Kafka's acknowledgement
   * @param tokens the approvers' tokens
   * @param hosts the Host headers answered
   * @param maxBodySize the largest body read, in bytes
   * @param rollbacks plans rollbacks from the log, or {@code null} to offer none
   */
  public ManagementServer(
      InetSocketAddress address,
      EventPublisher publisher,
      String source,
      Duration timeout,
      ApproverTokens tokens,
      HostCheck hosts,
      int maxBodySize,
      RollbackPlans rollbacks)
      throws IOException {
    this.rollbacks = rollbacks;
    this.publisher = publisher;
    this.source = source;
    this.timeout = timeout;
    this.tokens = tokens;
    this.hosts = hosts;
    this.maxBodySize = maxBodySize;
    this.server = HttpServer.create(address, 0);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "applier-management");
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    if (tokens.isEmpty()) {
      LOG.warn(
          "no approver token is configured (opsledger.applier.management.tokens.<identity>):"
              + " every approval request is refused");
    }
    LOG.info("management API (approvals) on {}", server.getAddress());
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      answer(ex);
    } catch (RuntimeException e) {
      LOG.warn("approval request failed", e);
      send(ex, 500, Map.of("error", "internal error; see the applier's log"));
    } finally {
      ex.close();
    }
  }

  private void answer(HttpExchange ex) throws IOException {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (!hosts.allows(host)) {
      refuse(ex, 421, "this server does not answer for the host named in the Host header");
      return;
    }
    String path = ex.getRequestURI().getPath();
    boolean rollback = ROLLBACKS.equals(path) && rollbacks != null;
    if (!APPROVALS.equals(path) && !rollback) {
      refuse(ex, 404, "no such endpoint: " + ex.getRequestURI().getPath());
      return;
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().add("Allow", "POST");
      refuse(ex, 405, "POST only");
      return;
    }
    Optional<Person> approver = tokens.identify(ex.getRequestHeaders().getFirst("Authorization"));
    if (approver.isEmpty()) {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
      refuse(ex, 401, "a valid bearer token is required");
      return;
    }
    String body = body(ex);
    if (body == null) {
      refuse(ex, 413, "the body is larger than " + maxBodySize + " bytes");
      return;
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      refuse(ex, 415, "Content-Type must be application/json");
      return;
    }
    if (rollback) {
      rollBack(ex, body, approver.get());
      return;
    }
    SyncApproved approval;
    try {
      approval =
          ApprovalRequest.read(body, approver.get(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
    } catch (IllegalArgumentException e) {
      refuse(ex, 400, e.getMessage());
      return;
    }
    publish(ex, approval);
  }

  private void publish(HttpExchange ex, SyncApproved approval) throws IOException {
    EventEnvelope<SyncApproved> event = EventEnvelope.create(source, approval.revision(), approval);
    try {
      publisher.publishAndWait(event, timeout);
    } catch (EventPublisher.PublishFailedException e) {
      send(ex, 503, Map.of("error", "Kafka did not accept the approval; try again"));
      return;
    }
    LOG.info(
        "{} approved {} at revision {}",
        approval.approvedBy(),
        approval.subject(),
        approval.revision());
    send(
        ex,
        202,
        Map.of(
            "id", event.id(),
            "approvedBy", approval.approvedBy().toString(),
            "subject", approval.subject(),
            "revision", approval.revision()));
  }

  /**
   * Plans the rollback from the log and writes one {@code RollbackRequested} per resource it rolls
   * back, with the token's identity as {@code requestedBy}; 202 once Kafka has them all, with what
   * was rolled back, left as is and unchanged. The applier acts on the events.
   */
  private void rollBack(HttpExchange ex, String body, Person who) throws IOException {
    RollbackRequest request;
    try {
      request = RollbackRequest.read(body);
    } catch (IllegalArgumentException e) {
      refuse(ex, 400, e.getMessage());
      return;
    }
    RollbackPlan plan;
    try {
      plan = rollbacks.plan(request.target());
    } catch (RollbackRefused e) {
      refuse(ex, e.status(), e.getMessage());
      return;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<String> rolledBack = new ArrayList<>();
    for (RollbackPlan.Step step : plan.steps()) {
      RollbackRequested event =
          new RollbackRequested(
              step.resource(),
              plan.sourceId(),
              request.target().scope(),
              plan.targetRevision(),
              step.pausedRevision(),
              plan.headSequence(),
              step.manifest(),
              who,
              request.reason(),
              now);
      try {
        publisher.publishAndWait(
            EventEnvelope.create(source, plan.targetRevision(), event), timeout);
      } catch (EventPublisher.PublishFailedException e) {
        send(
            ex,
            503,
            Map.of(
                "error",
                "Kafka did not accept the rollback ("
                    + rolledBack.size()
                    + " of "
                    + plan.steps().size()
                    + " resources written); try again"));
        return;
      }
      rolledBack.add(step.resource().toString());
    }
    LOG.info(
        "{} rolled back {} to revision {}: {} resources, {} left as is",
        who,
        request.target().scope(),
        plan.targetRevision(),
        rolledBack.size(),
        plan.leftAsIs().size());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("requestedBy", who.toString());
    answer.put("sourceId", plan.sourceId());
    answer.put("targetRevision", plan.targetRevision());
    answer.put("headRevision", plan.headRevision());
    answer.put("rolledBack", rolledBack);
    answer.put(
        "leftAsIs",
        plan.leftAsIs().stream()
            .map(l -> Map.of("resource", l.resource().toString(), "why", l.why()))
            .toList());
    answer.put("unchanged", plan.unchanged().stream().map(Object::toString).toList());
    send(ex, 202, answer);
  }

  /** The body as text, or {@code null} when it is larger than the cap (not read further). */
  private String body(HttpExchange ex) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > maxBodySize) {
          return null;
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(maxBodySize + 1);
      return bytes.length > maxBodySize ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private void refuse(HttpExchange ex, int status, String message) throws IOException {
    LOG.info(
        "refused {} {} from {}: {} {}",
        ex.getRequestMethod(),
        ex.getRequestURI().getPath(),
        ex.getRemoteAddress(),
        status,
        message);
    send(ex, status, Map.of("error", message));
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = EventJson.mapper().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
