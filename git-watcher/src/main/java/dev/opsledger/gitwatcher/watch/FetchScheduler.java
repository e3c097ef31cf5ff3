package dev.opsledger.gitwatcher.watch;

import dev.opsledger.gitwatcher.GitWatcherMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each source's cycle on its poll interval and on demand. Requests coalesce: while a cycle of
 * a source runs, any number of requests leave exactly one more cycle queued, so a storm of pushes
 * costs at most two fetches. Cycles of different sources run in parallel on a fixed pool.
 */
public final class FetchScheduler implements AutoCloseable {

  /** What happened to a request. */
  public enum Trigger {
    /** A cycle started. */
    STARTED,
    /** A cycle is running; one more will run after it. */
    QUEUED,
    /** A cycle is running and one is already queued: nothing more to do. */
    COALESCED,
    /** No source has that id. */
    UNKNOWN_SOURCE,
    /** The scheduler is stopped. */
    STOPPED,
    /** This replica stands by: the active one fetches. */
    STANDBY
  }

  private static final Logger LOG = LoggerFactory.getLogger(FetchScheduler.class);

  private final Map<String, Loop> loops = new LinkedHashMap<>();
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final GitWatcherMetrics metrics;
  private volatile boolean stopped;
  private volatile boolean paused;

  /**
   * A scheduler.
   *
   * @param threads worker threads shared by all sources
   * @param metrics meters
   */
  public FetchScheduler(int threads, GitWatcherMetrics metrics) {
    this.workers = Executors.newFixedThreadPool(threads, named("git-watcher-worker"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("git-watcher-poll"));
    this.metrics = metrics;
  }

  /**
   * Registers a source's cycle. Call before {@link #start()}.
   *
   * @param sourceId the source id
   * @param pollInterval how often it runs without requests
   * @param cycle one cycle; its outcome is logged by the cycle itself
   */
  public synchronized void register(
      String sourceId, Duration pollInterval, Supplier<WatchOutcome> cycle) {
    loops.put(sourceId, new Loop(sourceId, pollInterval, cycle));
  }

  /**
   * Starts polling every registered source, each first right away; after {@link #pause()}, resumes
   * it. Idempotent.
   */
  public synchronized void start() {
    paused = false;
    for (Loop loop : loops.values()) {
      if (loop.poll == null && !stopped) {
        loop.poll =
            timer.scheduleWithFixedDelay(
                () -> request(loop.sourceId),
                0,
                loop.pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Stops polling and refuses requests ({@link Trigger#STANDBY}) until {@link #start()}: this
   * replica lost its lease. A cycle already running finishes; a queued one is dropped.
   */
  public synchronized void pause() {
    paused = true;
    for (Loop loop : loops.values()) {
      if (loop.poll != null) {
        loop.poll.cancel(false);
        loop.poll = null;
      }
    }
  }

  /** The registered source ids. */
  public synchronized Collection<String> sources() {
    return java.util.List.copyOf(loops.keySet());
  }

  /** Asks for a cycle of a source now. */
  public Trigger request(String sourceId) {
    Loop loop;
    synchronized (this) {
      loop = loops.get(sourceId);
    }
    if (loop == null) {
      return Trigger.UNKNOWN_SOURCE;
    }
    if (stopped) {
      return Trigger.STOPPED;
    }
    if (paused) {
      return Trigger.STANDBY;
    }
    Trigger t = loop.request();
    metrics.fetchRequest(sourceId, t.name().toLowerCase(java.util.Locale.ROOT));
    if (t == Trigger.STARTED) {
      submit(loop);
    }
    return t;
  }

  /** How many cycles of a source have run to completion. */
  public Optional<Integer> completedCycles(String sourceId) {
    Loop loop;
    synchronized (this) {
      loop = loops.get(sourceId);
    }
    return loop == null ? Optional.empty() : Optional.of(loop.completed.get());
  }

  @Override
  public void close() {
    stopped = true;
    timer.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void submit(Loop loop) {
    try {
      workers.execute(() -> run(loop));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      loop.finish();
    }
  }

  private void run(Loop loop) {
    try {
      loop.cycle.get();
    } catch (RuntimeException e) {
      LOG.error("source {}: cycle failed unexpectedly", loop.sourceId, e);
    } finally {
      loop.completed.incrementAndGet();
      if (loop.finish() && !stopped) {
        if (paused) {
          // The queued cycle is dropped with the lease: end the loop's run.
          loop.finish();
        } else {
          submit(loop);
        }
      }
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One source's state: running, and whether another cycle is queued. */
  private static final class Loop {
    final String sourceId;
    final Duration pollInterval;
    final Supplier<WatchOutcome> cycle;
    final AtomicInteger completed = new AtomicInteger();
    ScheduledFuture<?> poll;
    private boolean running;
    private boolean queued;

    Loop(String sourceId, Duration pollInterval, Supplier<WatchOutcome> cycle) {
      this.sourceId = sourceId;
      this.pollInterval = pollInterval;
      this.cycle = cycle;
    }

    synchronized Trigger request() {
      if (!running) {
        running = true;
        return Trigger.STARTED;
      }
      if (!queued) {
        queued = true;
        return Trigger.QUEUED;
      }
      return Trigger.COALESCED;
    }

    /** Ends a cycle; returns true when the queued one must run now (still marked running). */
    synchronized boolean finish() {
      if (queued) {
        queued = false;
        return true;
      }
      running = false;
      return false;
    }
  }
}
