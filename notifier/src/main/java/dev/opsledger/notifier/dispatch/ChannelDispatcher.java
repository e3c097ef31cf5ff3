package dev.opsledger.notifier.dispatch;

import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.channel.Channel;
import dev.opsledger.notifier.channel.DeliveryException;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.TokenBucket;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.core.LogContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's queue: its own thread, its own token bucket, its own retries. A channel that hangs
 * or is down only ever holds up its own queue, never the consumer or another channel.
 *
 * <p>Every accepted notice ends in exactly one outcome: sent, or failed after the last retry (or
 * failed at shutdown when the notifier stops before it could be delivered), or superseded (a commit
 * status whose state was replaced by a newer one before it went out).
 */
public final class ChannelDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelDispatcher.class);

  private final Channel channel;
  private final TokenBucket bucket;
  private final Backoff backoff;
  private final Duration giveUpAfter;
  private final SentLedger ledger;
  private final Outcomes outcomes;
  private final NotifierMetrics metrics;
  private final ScheduledThreadPoolExecutor executor;
  private final Set<Job> pending = ConcurrentHashMap.newKeySet();

  /** Change mode: the state last posted per subject (and revision), on this dispatcher's thread. */
  private final Map<String, String> posted =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > 10_000;
            }
          });

  private static final class Job {
    final Notice notice;
    int attempts;
    long firstFailureNanos;
    boolean rateLimited;
    String lastError = "";

    Job(Notice notice) {
      this.notice = notice;
    }
  }

  /**
   * A dispatcher with its own thread, named after the channel.
   *
   * @param backoff the delays between attempts, and the attempt limit if it has one
   * @param giveUpAfter how long a notice is retried after its first failed attempt before it is
   *     recorded as failed: a receiver down for minutes (Slack answering 500) must not cost the
   *     notices sent during the outage
   */
  public ChannelDispatcher(
      Channel channel,
      TokenBucket bucket,
      Backoff backoff,
      Duration giveUpAfter,
      SentLedger ledger,
      Outcomes outcomes,
      NotifierMetrics metrics) {
    this.channel = channel;
    this.bucket = bucket;
    this.backoff = backoff;
    this.giveUpAfter = giveUpAfter;
    this.ledger = ledger;
    this.outcomes = outcomes;
    this.metrics = metrics;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "notifier-" + channel.name());
              t.setDaemon(true);
              return t;
            });
    // Pending retries must not hold up shutdown; close() records what is left as failed.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    metrics.queue(channel.name(), pending::size);
  }

  /** The channel. */
  public Channel channel() {
    return channel;
  }

  /** Queues a notice the ledger has claimed for this channel. */
  public void submit(Notice notice) {
    Job job = new Job(notice);
    pending.add(job);
    schedule(job, Duration.ZERO);
  }

  /** Records a notice folded into a storm summary (never sent on its own). */
  public void fold(Notice notice) {
    outcomes.folded(channel, notice);
  }

  /** How many notices are queued or being retried. */
  public int pending() {
    return pending.size();
  }

  private void schedule(Job job, Duration delay) {
    try {
      executor.schedule(() -> attempt(job), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finishFailed(job, "the notifier stopped before delivery");
    }
  }

  private void attempt(Job job) {
    Notice n = job.notice;
    // A state claimed in between may have been superseded before it was posted (pending, running,
    // pending): what is current then is what the host already shows, and is not posted again.
    if (channel.changeMode()
        && (!ledger.isCurrent(channel.name(), n.changeKey(), n.state())
            || n.state().equals(posted.get(n.changeKey())))) {
      pending.remove(job);
      ledger.release(n.id(), channel.name());
      metrics.outcome(channel.name(), "superseded");
      return;
    }
    if (!bucket.tryTake()) {
      if (!job.rateLimited) {
        job.rateLimited = true;
        metrics.rateLimited(channel.name());
      }
      schedule(job, bucket.untilNext());
      return;
    }
    job.attempts++;
    long started = System.nanoTime();
    try (LogContext context = LogContext.of(n.subject(), n.revision())) {
      send(job, n, started);
    }
  }

  private void send(Job job, Notice n, long started) {
    try {
      channel.send(n);
      if (channel.changeMode()) {
        posted.put(n.changeKey(), n.state());
      }
      attempted("ok", started);
      pending.remove(job);
      outcomes.sent(channel, n, job.attempts);
    } catch (DeliveryException.Retryable e) {
      attempted("retryable", started);
      retryOrFail(job, e);
    } catch (DeliveryException e) {
      attempted("terminal", started);
      finishFailed(job, e.getMessage());
    } catch (RuntimeException e) {
      attempted("terminal", started);
      finishFailed(job, "channel '" + channel.name() + "': " + e.getClass().getSimpleName());
    }
  }

  private void attempted(String result, long started) {
    metrics.attempt(channel.name(), result, Duration.ofNanos(System.nanoTime() - started));
  }

  private void retryOrFail(Job job, DeliveryException.Retryable e) {
    job.lastError = e.getMessage();
    long now = System.nanoTime();
    if (job.attempts == 1) { // a first attempt either succeeds, fails for good, or lands here
      job.firstFailureNanos = now;
    }
    Duration failingFor = Duration.ofNanos(now - job.firstFailureNanos);
    if (!backoff.retriesAfter(job.attempts)) {
      finishFailed(job, e.getMessage());
      return;
    }
    Duration delay = backoff.delayAfter(job.attempts, e.retryAfter());
    if (failingFor.plus(delay).compareTo(giveUpAfter) > 0) {
      finishFailed(
          job, e.getMessage() + "; gave up after " + job.attempts + " attempts in " + failingFor);
      return;
    }
    if (job.attempts == 1) {
      LOG.warn(
          "{}; retrying in {}, for up to {} (notices stay queued meanwhile)",
          e.getMessage(),
          delay,
          giveUpAfter);
    } else {
      LOG.info(
          "{} (attempt {}, failing for {}); retrying in {}",
          e.getMessage(),
          job.attempts,
          failingFor,
          delay);
    }
    schedule(job, delay);
  }

  private void finishFailed(Job job, String reason) {
    if (pending.remove(job)) {
      outcomes.failed(channel, job.notice, job.attempts, reason);
    }
  }

  /**
   * Stops the queue: waits up to {@code timeout} for notices in flight, then records every notice
   * that is still owed as failed, so that nothing is lost silently.
   */
  public void close(Duration timeout) {
    executor.shutdown();
    try {
      executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    List<Job> left = new ArrayList<>(pending);
    for (Job job : left) {
      finishFailed(
          job,
          "the notifier stopped before delivery after "
              + job.attempts
              + " attempt(s)"
              + (job.lastError.isEmpty() ? "" : "; last error: " + job.lastError));
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
