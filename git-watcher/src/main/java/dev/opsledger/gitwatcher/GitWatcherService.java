package dev.opsledger.gitwatcher;

import dev.opsledger.gitwatcher.watch.FetchScheduler;
import dev.opsledger.gitwatcher.watch.PreviewRequests;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import dev.opsledger.service.lease.ServiceLease;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Polls every source while this replica holds the git-watcher's lease, and stops on shutdown.
 *
 * <p>Active/standby: two watchers of one branch would both record its commits (the ids are
 * content-derived, so consumers deduplicate, but every notice would be sent twice). Only the
 * replica that holds the {@link ServiceLease} fetches and publishes. When it takes the lease over
 * it resumes every source from the log, as at start (the previous holder may have recorded
 * revisions meanwhile), and fetches at once. A webhook received by a standby is forwarded to the
 * holder through the lease topic, so a push is fetched at once whichever replica the load balancer
 * chose.
 */
public class GitWatcherService implements SmartLifecycle, ServiceLease.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(GitWatcherService.class);

  /** How long a standby waits for Kafka to take a forwarded webhook. */
  private static final long FORWARD_TIMEOUT_SECONDS = 5;

  private static final String FETCH = "fetch";

  private final List<SourceWatcher> watchers;
  private final FetchScheduler scheduler;
  private final ServiceLease lease;
  private final PreviewRequests previewRequests;
  private volatile boolean running;

  /** A service over these watchers, run by this scheduler, always active (one replica). */
  public GitWatcherService(List<SourceWatcher> watchers, FetchScheduler scheduler) {
    this(watchers, scheduler, ServiceLease.alwaysHeld("git-watcher", null), new PreviewRequests());
  }

  /**
   * A service over these watchers, run by this scheduler while {@code lease} is held.
   *
   * @param previewRequests where pull request news of forwarded webhooks goes
   */
  public GitWatcherService(
      List<SourceWatcher> watchers,
      FetchScheduler scheduler,
      ServiceLease lease,
      PreviewRequests previewRequests) {
    this.watchers = List.copyOf(watchers);
    this.scheduler = scheduler;
    this.lease = lease;
    this.previewRequests = previewRequests;
    for (SourceWatcher w : watchers) {
      scheduler.register(w.source().id(), w.source().pollInterval(), w::runOnce);
    }
  }

  @Override
  public void start() {
    running = true;
    lease.start(this);
    LOG.info(
        "git-watcher started with {} source(s){}",
        watchers.size(),
        lease.enabled() ? ", fetching while it holds the lease" : "");
  }

  /** Stops fetching (a running cycle finishes), then gives the lease up for a standby. */
  @Override
  public void stop() {
    scheduler.close();
    watchers.forEach(SourceWatcher::close);
    lease.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Resumes every source from the log and fetches it at once. */
  @Override
  public void onActive() {
    watchers.forEach(SourceWatcher::resumeFromLog);
    scheduler.start();
  }

  /** Stops polling; a cycle already running finishes. */
  @Override
  public void onStandby() {
    scheduler.pause();
  }

  /** A webhook a standby received: a fetch here, with the pull request's news if any. */
  @Override
  public void onForwarded(String sourceId, String value) {
    PreviewRequests.Change change = decode(value);
    if (!fetchHere(sourceId, change)) {
      LOG.warn("source {}: a forwarded webhook came while not fetching; dropped", sourceId);
    }
  }

  /**
   * A verified webhook's fetch request: here while this replica holds the lease, else forwarded to
   * the replica that does.
   *
   * @return false when Kafka did not take the forwarded request in time
   */
  public boolean trigger(String sourceId, PreviewRequests.Change change) {
    if (lease.active() && fetchHere(sourceId, change)) {
      return true;
    }
    try {
      lease.forward(sourceId, encode(change)).get(FORWARD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("source {}: cannot forward a webhook to the active replica: {}", sourceId, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean fetchHere(String sourceId, PreviewRequests.Change change) {
    if (change != null) {
      previewRequests.add(sourceId, change);
    }
    FetchScheduler.Trigger t = scheduler.request(sourceId);
    return t != FetchScheduler.Trigger.STOPPED && t != FetchScheduler.Trigger.STANDBY;
  }

  /** {@code fetch}, or {@code pr <number> <open> <merged>}. */
  static String encode(PreviewRequests.Change change) {
    return change == null
        ? FETCH
        : "pr " + change.number() + " " + change.open() + " " + change.merged();
  }

  static PreviewRequests.Change decode(String value) {
    String[] parts = value.split(" ");
    if (parts.length == 4 && parts[0].equals("pr")) {
      try {
        return new PreviewRequests.Change(
            Long.parseLong(parts[1]),
            Boolean.parseBoolean(parts[2]),
            Boolean.parseBoolean(parts[3]));
      } catch (NumberFormatException e) {
        LOG.warn("a forwarded webhook '{}' is not understood; fetching only", value);
      }
    }
    return null;
  }
}
