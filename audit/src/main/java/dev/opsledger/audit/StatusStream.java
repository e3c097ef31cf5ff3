package dev.opsledger.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import dev.opsledger.events.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream}: server-sent events of the live view, for the web view's status table.
 *
 * <ul>
 *   <li>{@code event: status} — the whole {@link Answers.Status}: first on connecting, then each
 *       time it changes;
 *   <li>{@code event: change} — each {@link Answers.LiveChange} the log gained, in log order,
 *       before the status that folds it: a drift healed within one refresh still shows as a change
 *       to {@code Drifted} and one back to {@code InSync};
 *   <li>a comment line every heartbeat, so proxies keep the connection and a client notices a dead
 *       one.
 * </ul>
 *
 * One ticker refreshes the shared live view while anyone listens, and hands what it read to every
 * listener: streams cost one log read per tick whatever their number. At most {@code maxStreams}
 * are open at once (each holds a server thread); more are refused with 503. Closing the server ends
 * every stream with a clean end of body.
 */
final class StatusStream implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusStream.class);
  private static final Object CLOSE = new Object();

  /** What the stream reads: the status now, reporting to it what the log gained on the way. */
  interface Source {
    Answers.Status refresh(java.util.function.Consumer<Answers.LiveChange> gained);
  }

  private final Source source;
  private final Duration heartbeat;
  private final Semaphore slots;
  private final Set<BlockingQueue<Object>> listeners = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker;
  private volatile String lastStatus;
  private volatile boolean closed;

  StatusStream(Source source, Duration tick, Duration heartbeat, int maxStreams) {
    this.source = source;
    this.heartbeat = heartbeat;
    this.slots = new Semaphore(maxStreams);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "audit-stream");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(
        this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads what the log gained, when anyone listens, and tells every listener. */
  void tick() {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      refresh(false);
    } catch (RuntimeException e) {
      // The next tick tries again from where this one ended; listeners keep their last status.
      LOG.debug("the live view could not be refreshed: {}", e.toString());
    }
  }

  /**
   * Reads what the log gained and returns the status now, after telling every listener each change
   * and then the status when it changed (or, {@code always}, in any case). Serialised, so that
   * listeners get changes and statuses in log order whoever asked: the ticker or an API call.
   */
  synchronized Answers.Status refresh(boolean always) {
    Answers.Status status = source.refresh(c -> broadcast("change", c));
    String json = json(status.resources()) + json(status.warnings());
    if (always || !json.equals(lastStatus)) {
      lastStatus = json;
      broadcast("status", status);
    }
    return status;
  }

  private void broadcast(String event, Object data) {
    String frame = frame(event, data);
    listeners.forEach(q -> q.offer(frame));
  }

  /** Serves one stream until the client leaves or the server closes. */
  void serve(HttpExchange ex) throws IOException {
    if (closed || !slots.tryAcquire()) {
      byte[] b =
          "{\"error\":\"too many open streams, try again later\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Retry-After", "5");
      ex.sendResponseHeaders(503, b.length);
      ex.getResponseBody().write(b);
      return;
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    listeners.add(queue);
    try {
      var h = ex.getResponseHeaders();
      h.set("Content-Type", "text/event-stream; charset=utf-8");
      h.set("Cache-Control", "no-store");
      h.set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      write(out, "retry: 2000\n\n");
      // The status now: a new listener should not wait for the table to change. The others get it
      // once more, which changes nothing for them.
      refresh(true);
      while (!closed) {
        Object next = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (next == CLOSE) {
          break;
        }
        write(out, next == null ? ": heartbeat\n\n" : (String) next);
      }
      out.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client left: nothing to tell anyone.
      LOG.debug("a stream's client left: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.warn("a stream ended: the live view could not be read: {}", e.toString());
    } finally {
      listeners.remove(queue);
      slots.release();
    }
  }

  /** How many streams are open. */
  int open() {
    return listeners.size();
  }

  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    listeners.forEach(q -> q.offer(CLOSE));
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One event; compact JSON has no raw newline, so it fits one {@code data:} line. */
  private static String frame(String event, Object data) {
    return "event: " + event + "\ndata: " + json(data) + "\n\n";
  }

  private static String json(Object data) {
    try {
      return EventJson.mapper().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + data.getClass().getSimpleName(), e);
    }
  }
}
