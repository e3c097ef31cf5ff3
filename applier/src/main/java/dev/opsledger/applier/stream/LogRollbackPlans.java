package dev.opsledger.applier.stream;

import dev.opsledger.applier.rollback.RollbackPlan;
import dev.opsledger.applier.rollback.RollbackPlanner;
import dev.opsledger.applier.rollback.RollbackPlans;
import dev.opsledger.applier.rollback.RollbackTarget;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans rollbacks from {@code opsledger.commits} and {@code opsledger.desired}, read up to their
 * ends when asked (a plain consumer, no group): the manifests of every earlier revision are on the
 * log for as long as it is kept, so the applier keeps none of them in memory.
 */
public final class LogRollbackPlans implements RollbackPlans {

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Duration timeout;

  /**
   * Plans from the cluster {@code connection} reaches.
   *
   * @param timeout how long one read of the log may take
   */
  public LogRollbackPlans(KafkaConnection connection, EventCodec codec, Duration timeout) {
    this.connection = connection;
    this.codec = codec;
    this.timeout = timeout;
  }

  @Override
  public RollbackPlan plan(RollbackTarget target) {
    List<RollbackPlanner.Revision> revisions = new ArrayList<>();
    List<ResourceEvent> declarations = new ArrayList<>();
    try (LogScan scan = LogScan.open(connection, codec, timeout)) {
      scan.scan(
          List.of(Topic.COMMITS.topicName(), Topic.DESIRED.topicName()),
          From.beginning(),
          Until.endAtStart(),
          r -> {
            if (r.data() instanceof CommitObserved c) {
              revisions.add(
                  new RollbackPlanner.Revision(
                      c.sourceId(), c.sha(), c.sequence(), r.event().time()));
            } else if (r.data() instanceof DesiredStateChanged
                || r.data() instanceof DesiredStateRemoved) {
              declarations.add((ResourceEvent) r.data());
            }
          });
    }
    // Partitions interleave; within a source, sequences place revisions and declarations.
    revisions.sort(
        java.util.Comparator.comparing(
            RollbackPlanner.Revision::sequence,
            java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    return RollbackPlanner.plan(target, revisions, declarations);
  }
}
