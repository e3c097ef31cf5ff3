package dev.opsledger.cli.reliability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Slack or webhook receiver on loopback that outlives every {@code up} process of a campaign and
 * counts what it gets: deliveries by identity (the {@code ce-id} header a webhook receiver
 * deduplicates on, or, for Slack, whose messages carry no id, a hash of the body), so duplicates
 * are counted by what was delivered, not by how many messages a design sends. It can answer 500 for
 * a while, as a Slack outage would.
 */
final class CountingReceiver implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, daemon());
  private final Map<String, AtomicInteger> byIdentity = new ConcurrentHashMap<>();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean failing;

  private CountingReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static CountingReceiver start() {
    try {
      return new CountingReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL to configure, e.g. {@code http://127.0.0.1:1234/hook}. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** From now on every request is answered 500 (and not counted as delivered) until healed. */
  void failing(boolean on) {
    failing = on;
  }

  /** Requests answered 200. */
  int delivered() {
    return received.get();
  }

  /** Requests answered 500 while failing. */
  int refused() {
    return refused.get();
  }

  /** Whether a request answered 200 had {@code text} in its body. */
  boolean deliveredContaining(String text) {
    return bodies.stream().anyMatch(b -> b.contains(text));
  }

  /** The bodies of the requests answered 200, in arrival order. */
  List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** Distinct deliveries (by identity) answered 200. */
  int distinct() {
    return byIdentity.size();
  }

  /** Deliveries beyond the first of the same identity. */
  int duplicates() {
    return byIdentity.values().stream().mapToInt(c -> c.get() - 1).sum();
  }

  /** A copy of the per-identity counts, for the next run's baseline. */
  Map<String, Integer> snapshot() {
    Map<String, Integer> copy = new java.util.HashMap<>();
    byIdentity.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** Identities delivered more than once, with how many times. */
  Map<String, Integer> duplicated() {
    Map<String, Integer> dups = new java.util.TreeMap<>();
    byIdentity.forEach(
        (k, v) -> {
          if (v.get() > 1) {
            dups.put(k, v.get());
          }
        });
    return dups;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    int status;
    if (failing) {
      refused.incrementAndGet();
      status = 500;
    } else {
      String id = exchange.getRequestHeaders().getFirst("ce-id");
      String identity = id != null ? "ce-id " + id : "body " + sha256(body);
      byIdentity.computeIfAbsent(identity, k -> new AtomicInteger()).incrementAndGet();
      received.incrementAndGet();
      bodies.add(new String(body, StandardCharsets.UTF_8));
      status = 200;
    }
    byte[] answer = (status == 200 ? "ok" : "unavailable").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "counting-receiver");
      t.setDaemon(true);
      return t;
    };
  }
}
