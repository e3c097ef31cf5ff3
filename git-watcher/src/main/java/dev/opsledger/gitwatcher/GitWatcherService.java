package dev.opsledger.gitwatcher;

import dev.opsledger.gitwatcher.watch.FetchScheduler;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Starts polling every source once the context is up, and stops it on shutdown. */
public class GitWatcherService implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(GitWatcherService.class);

  private final List<SourceWatcher> watchers;
  private final FetchScheduler scheduler;
  private volatile boolean running;

  /** A service over these watchers, run by this scheduler. */
  public GitWatcherService(List<SourceWatcher> watchers, FetchScheduler scheduler) {
    this.watchers = List.copyOf(watchers);
    this.scheduler = scheduler;
    for (SourceWatcher w : watchers) {
      scheduler.register(w.source().id(), w.source().pollInterval(), w::runOnce);
    }
  }

  @Override
  public void start() {
    scheduler.start();
    running = true;
    LOG.info("git-watcher started with {} source(s)", watchers.size());
  }

  @Override
  public void stop() {
    scheduler.close();
    watchers.forEach(SourceWatcher::close);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
