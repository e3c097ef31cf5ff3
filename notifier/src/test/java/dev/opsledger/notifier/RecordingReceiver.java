package dev.opsledger.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsledger.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on loopback (the JDK's {@code HttpServer}) that records every request. It
 * answers 200 unless scripted otherwise, or never answers at all ({@link #hang()}).
 */
public final class RecordingReceiver implements AutoCloseable {

  /** One recorded request. */
  public record Request(
      String method, String path, Map<String, String> headers, byte[] body, Instant at) {

    /** A header by case-insensitive name, or {@code null}. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON. */
    public JsonNode json() {
      try {
        return EventJson.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(daemon());
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Integer> script = new ArrayDeque<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean hang;

  private RecordingReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A started receiver. */
  public static RecordingReceiver start() {
    try {
      return new RecordingReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next requests with these statuses, then 200. */
  public synchronized RecordingReceiver respondWith(int... statuses) {
    for (int s : statuses) {
      script.add(s);
    }
    return this;
  }

  /** Never answers: every request is held until the receiver is closed. */
  public RecordingReceiver hang() {
    hang = true;
    return this;
  }

  /** Every request so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests whose body contains a text. */
  public List<Request> requestsContaining(String text) {
    return requests.stream().filter(r -> r.text().contains(text)).toList();
  }

  /** Requests whose CloudEvents subject header ({@code ce-subject}) is this one. */
  public List<Request> requestsAbout(String subject) {
    return requests.stream().filter(r -> subject.equals(r.header("ce-subject"))).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            headers,
            body,
            Instant.now()));
    if (hang) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    int status;
    synchronized (this) {
      status = script.isEmpty() ? 200 : script.poll();
    }
    String path = exchange.getRequestURI().getRawPath();
    // Slack's Web API answers data: the posted message's timestamp.
    String ok =
        path.endsWith("/chat.postMessage") || path.endsWith("/chat.update")
            ? "{\"ok\":true,\"ts\":\"1700000000." + requests.size() + "\"}"
            : "ok";
    byte[] answer = (status == 200 ? ok : "boom").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "receiver");
      t.setDaemon(true);
      return t;
    };
  }
}
