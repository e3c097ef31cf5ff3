package dev.opsledger.notifier.dispatch;

import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every channel's dispatcher by name; the engine's {@link NotifierEngine.Sink}. */
public final class ChannelDispatchers implements NotifierEngine.Sink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelDispatchers.class);

  /** How long closing waits, beyond the dispatchers' own timeout, for the failures' records. */
  static final Duration RECORD_GRACE = Duration.ofSeconds(10);

  private final Map<String, ChannelDispatcher> byName = new LinkedHashMap<>();
  private final Duration shutdownTimeout;

  /** The dispatchers; closing waits up to {@code shutdownTimeout} for all of them together. */
  public ChannelDispatchers(List<ChannelDispatcher> dispatchers, Duration shutdownTimeout) {
    dispatchers.forEach(d -> byName.put(d.channel().name(), d));
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Per channel name, the notice kinds it carries (for the router). */
  public Map<String, Set<NoticeKind>> kinds() {
    Map<String, Set<NoticeKind>> out = new LinkedHashMap<>();
    byName.forEach((name, d) -> out.put(name, d.channel().kinds()));
    return out;
  }

  /** A dispatcher by channel name, or {@code null}. */
  public ChannelDispatcher get(String channel) {
    return byName.get(channel);
  }

  @Override
  public void submit(String channel, Notice notice) {
    byName.get(channel).submit(notice);
  }

  @Override
  public boolean accepts(String channel, Audience audience) {
    return byName.get(channel).channel().audiences().contains(audience);
  }

  @Override
  public void fold(String channel, Notice notice) {
    byName.get(channel).fold(notice);
  }

  @Override
  public boolean changeMode(String channel) {
    return byName.get(channel).channel().changeMode();
  }

  /**
   * Closes every dispatcher in parallel, so one hung channel does not eat the others' time. The
   * wait is bounded: with Kafka unreachable, recording the undelivered notices as failed would
   * retry until it answers, and the stop would never end (a fleet's service outlived its broker
   * so).
   */
  @Override
  public void close() {
    Duration bound = shutdownTimeout.plus(RECORD_GRACE);
    try {
      CompletableFuture.allOf(
              byName.values().stream()
                  .map(d -> CompletableFuture.runAsync(() -> d.close(shutdownTimeout)))
                  .toArray(CompletableFuture[]::new))
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "the channels' undelivered notices could not all be recorded within {} s of the stop"
              + " (is Kafka reachable?); stopping without them",
          bound.toSeconds());
    } catch (ExecutionException e) {
      LOG.warn("a channel failed to close", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
