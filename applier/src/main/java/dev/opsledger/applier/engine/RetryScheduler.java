package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.core.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending retries, at most one per resource (a newer diff replaces the older one), in memory. What
 * is pending after a restart is derived again from the log ({@link PendingWork}).
 *
 * <p>One thread runs due work, so retries that are due together run in the order they were
 * scheduled: start-up schedules them by {@link KindOrder} (CRDs, namespaces, other cluster-scoped,
 * namespaced).
 */
public final class RetryScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RetryScheduler.class);

  private final ScheduledExecutorService executor;
  private final Map<ResourceKey, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final Clock clock;
  private volatile Consumer<Work> runner;

  /** A scheduler; {@link #runWith} must be called before anything is due. */
  public RetryScheduler(Clock clock) {
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "applier-retry");
              t.setDaemon(true);
              return t;
            });
  }

  /** Sets what runs due work. */
  public void runWith(Consumer<Work> runner) {
    this.runner = runner;
  }

  /**
   * Schedules the work after {@code delay}, replacing any pending work of the same resource.
   *
   * @return when it is due
   */
  public Instant schedule(Work work, Duration delay) {
    long token = tokens.incrementAndGet();
    Instant due = clock.instant().plus(delay);
    Pending next = new Pending(work, token);
    // Registered before it is scheduled: work due at once may fire before schedule() returns.
    Pending old = pending.put(work.key(), next);
    if (old != null) {
      old.cancel();
    }
    next.future =
        executor.schedule(() -> fire(work.key(), token), delay.toMillis(), TimeUnit.MILLISECONDS);
    return due;
  }

  /** Drops the pending work of a resource, if any. */
  public void cancel(ResourceKey key) {
    Pending old = pending.remove(key);
    if (old != null) {
      old.cancel();
    }
  }

  /** Drops the pending work of every matching resource (handed over to another replica). */
  public void cancelIf(Predicate<ResourceKey> which) {
    for (ResourceKey key : List.copyOf(pending.keySet())) {
      if (which.test(key)) {
        cancel(key);
      }
    }
  }

  /**
   * Makes the pending work of matching resources due now (a namespace or CRD they need exists).
   * Only work still pending is moved: a retry that fired meanwhile took its work, and scheduling
   * that work again would attempt it twice (issue 17's wake-ups met the timed retries so).
   */
  public void wake(Predicate<ResourceKey> which) {
    List<Pending> due = new ArrayList<>();
    for (Pending p : pending.values()) {
      if (which.test(p.work.key())) {
        due.add(p);
      }
    }
    due.sort(Comparator.comparing(p -> p.work, KindOrder.BY_KEY));
    for (Pending p : due) {
      Pending next = new Pending(p.work, tokens.incrementAndGet());
      if (pending.replace(p.work.key(), p, next)) {
        p.cancel();
        next.future =
            executor.schedule(() -> fire(next.work.key(), next.token), 0, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The number of resources with pending work. */
  public int size() {
    return pending.size();
  }

  /** The pending work of a resource, or {@code null}. */
  public Work pendingOf(ResourceKey key) {
    Pending p = pending.get(key);
    return p == null ? null : p.work;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private void fire(ResourceKey key, long token) {
    Pending p = pending.get(key);
    if (p == null || p.token != token || !pending.remove(key, p)) {
      return;
    }
    // A retry runs on this thread, not the consumer's: its lines carry the resource and the
    // revision's commit as the first attempt's did.
    try (LogContext context = LogContext.of(key, p.work.diff().correlation())) {
      runner.accept(p.work);
    } catch (RuntimeException e) {
      // The runner reschedules its own failures; anything escaping is a bug, logged not lost.
      LOG.error("retry of {} failed unexpectedly; retrying in 30 s", key, e);
      schedule(p.work, Duration.ofSeconds(30));
    }
  }

  private static final class Pending {
    private final Work work;
    private final long token;
    private volatile ScheduledFuture<?> future;

    private Pending(Work work, long token) {
      this.work = work;
      this.token = token;
    }

    private void cancel() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
