package dev.opsledger.applier.stream;

import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.engine.PendingWork;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the applier's memory at start by reading {@code opsledger.desired}, {@code
 * opsledger.applies}, {@code opsledger.diffs} and {@code opsledger.approvals} from the beginning
 * with a {@link LogScan} (no group, nothing committed), up to the end offsets found at start.
 *
 * <p>Why re-read rather than keep a local snapshot: the log is the only state, so an applier
 * replaced on another node (or with a lost disk) starts right; the cost is a read of those topics
 * at start, which is bounded by {@code opsledger.applier.replay-timeout} (past it, the scan's
 * {@link dev.opsledger.kafka.LogScanTimeoutException} stops the applier from starting
 * half-restored). The stream bindings then resume from their committed offsets; what they deliver
 * again is handled idempotently.
 */
public final class LogReplay {

  private static final Logger LOG = LoggerFactory.getLogger(LogReplay.class);

  private final String bootstrapServers;
  private final EventCodec codec;
  private final Duration timeout;
  private final Clock clock;

  /** A replay against these servers. */
  public LogReplay(String bootstrapServers, EventCodec codec, Duration timeout, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.codec = codec;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Reads the log and restores the engine.
   *
   * @param engine the engine to restore
   * @param ours which resources this applier converges (others are not kept in memory)
   */
  public void restore(ApplyEngine engine, Predicate<dev.opsledger.events.ResourceKey> ours) {
    Instant start = clock.instant();
    PendingWork work = new PendingWork();
    List<SyncApproved> approvals = new ArrayList<>();
    LogScan.Summary read;
    try (LogScan scan = LogScan.open(bootstrapServers, codec, timeout, clock)) {
      // Desired first: the diffs and applies are interpreted against it.
      read =
          scan.scan(
              List.of(Topic.DESIRED.topicName()),
              From.beginning(),
              Until.endAtStart(),
              r -> {
                if (r.data() instanceof ResourceEvent e && ours.test(e.resource())) {
                  engine.onDesired(e);
                }
              });
      read =
          read.plus(
              scan.scan(
                  List.of(
                      Topic.APPLIES.topicName(),
                      Topic.DIFFS.topicName(),
                      Topic.APPROVALS.topicName()),
                  From.beginning(),
                  Until.endAtStart(),
                  r -> {
                    if (r.data() instanceof SyncApproved a) {
                      approvals.add(a);
                    } else if (r.data() instanceof ResourceEvent e && ours.test(e.resource())) {
                      if (r.event().type().topic() == Topic.DIFFS) {
                        work.diff(r.event());
                      } else {
                        work.apply(r.event());
                      }
                    }
                  }));
    }
    engine.restore(work.derive(clock.instant()), approvals);
    LOG.info(
        "replayed {} records of the log ({} unreadable, skipped) in {} ms",
        read.records(),
        read.poison(),
        Duration.between(start, clock.instant()).toMillis());
  }
}
