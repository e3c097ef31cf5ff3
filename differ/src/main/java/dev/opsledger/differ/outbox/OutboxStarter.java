package dev.opsledger.differ.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the outbox processor (registered with auto-start off) once it is safe to publish.
 *
 * <p>With a stored token the outbox simply resumes. Without one (a new or lost database) this is a
 * rebuild: it first reads what consumers already saw (the tail of {@code opsledger.diffs}), waits
 * until the input consumers have caught up with {@code opsledger.desired} and {@code
 * opsledger.observed}, and turns on the {@link RebuildFilter} before the processor starts.
 *
 * <p>Several differs on one store: the outbox has one segment, so one processor publishes, the one
 * whose node holds the token's claim in the shared token store; the others try to claim it every
 * few seconds and take over within the claim timeout when it is released (a clean stop) or expires
 * (a crash). Of several differs starting on a new store, only the one that creates the token
 * rebuilds, holding the claim meanwhile; the others follow without a filter.
 */
public class OutboxStarter implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxStarter.class);
  private static final Duration RETRY = Duration.ofSeconds(2);

  /** A third of the token store's claim timeout (Axon's default, 10 s). */
  private static final Duration CLAIM_EXTENSION = Duration.ofSeconds(3);

  private static final Duration STATES_POLL = Duration.ofMillis(100);

  private final EventProcessingConfiguration processing;
  private final TokenStore tokens;
  private final TransactionManager transactions;
  private final EventStore store;
  private final ResourceStates states;
  private final DiffOutbox outbox;
  private final Supplier<Map<String, PublishedState>> lastPublished;
  private final InputCatchUp catchUp;
  private final Duration catchUpTimeout;
  private volatile Thread starter;
  private volatile boolean running;

  /** Creates the starter. */
  public OutboxStarter(
      EventProcessingConfiguration processing,
      TokenStore tokens,
      TransactionManager transactions,
      EventStore store,
      ResourceStates states,
      DiffOutbox outbox,
      Supplier<Map<String, PublishedState>> lastPublished,
      InputCatchUp catchUp,
      Duration catchUpTimeout) {
    this.processing = processing;
    this.tokens = tokens;
    this.transactions = transactions;
    this.store = store;
    this.states = states;
    this.outbox = outbox;
    this.lastPublished = lastPublished;
    this.catchUp = catchUp;
    this.catchUpTimeout = catchUpTimeout;
  }

  @Override
  public void start() {
    running = true;
    Thread t = new Thread(this::run, "differ-outbox-start");
    t.setDaemon(true);
    starter = t;
    t.start();
  }

  @Override
  public void stop() {
    running = false;
    Thread t = starter;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the stream bindings, so the input consumers are running while a rebuild waits. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  private void run() {
    try {
      if (firstStart() && elected()) {
        Thread keeper = keepClaim();
        try {
          prepareRebuild();
        } finally {
          keeper.interrupt();
        }
        if (!running) {
          release();
          return;
        }
      }
      if (running) {
        processor().start();
        LOG.info("outbox {} started", DiffOutbox.GROUP);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean firstStart() {
    return segments() == 0;
  }

  private int segments() {
    int[] segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(DiffOutbox.GROUP));
    return segments.length;
  }

  /**
   * Whether this differ rebuilds: it created the outbox's token and holds its claim, in one
   * transaction, so that of several differs starting on one new store exactly one does. The others
   * start their processor at once, without a filter; it waits for the claim, which this one keeps
   * while it rebuilds ({@link #keepClaim}) and then hands to its own processor (same node).
   */
  private boolean elected() {
    try {
      transactions.executeInTransaction(
          () -> {
            tokens.initializeTokenSegments(DiffOutbox.GROUP, 1);
            tokens.fetchToken(DiffOutbox.GROUP, 0);
          });
      return true;
    } catch (RuntimeException e) {
      if (segments() > 0) {
        LOG.info("another differ on this event store rebuilds the outbox; this one follows it");
        return false;
      }
      throw e;
    }
  }

  /** Extends the outbox token's claim while a rebuild waits, so that no other differ takes it. */
  private Thread keepClaim() {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Thread.sleep(CLAIM_EXTENSION.toMillis());
                  transactions.executeInTransaction(() -> tokens.extendClaim(DiffOutbox.GROUP, 0));
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  LOG.warn("cannot extend the outbox's claim while rebuilding: {}", e.toString());
                }
              }
            },
            "differ-outbox-claim");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void release() {
    try {
      transactions.executeInTransaction(() -> tokens.releaseClaim(DiffOutbox.GROUP, 0));
    } catch (RuntimeException e) {
      LOG.debug("cannot release the outbox's claim: {}", e.toString());
    }
  }

  private void prepareRebuild() throws InterruptedException {
    Map<String, PublishedState> seen = null;
    while (seen == null && running) {
      try {
        seen = lastPublished.get();
      } catch (RuntimeException e) {
        LOG.warn("cannot read the published diffs yet, retrying: {}", e.toString());
        Thread.sleep(RETRY.toMillis());
      }
    }
    if (!running) {
      return;
    }
    if (!catchUp.await(catchUpTimeout)) {
      LOG.warn(
          "the input consumers did not catch up within {}: publishing what is recorded so far",
          catchUpTimeout);
    }
    TrackingToken headToken = store.createHeadToken();
    long head = headToken == null ? -1 : headToken.position().orElse(-1);
    awaitStates(head);
    LOG.info(
        "no outbox token: rebuild mode, {} resources already published, replay head at {},"
            + " {} resources recorded",
        seen.size(),
        head,
        states.size());
    outbox.rebuilding(new RebuildFilter(seen, head));
  }

  /**
   * Waits until {@link ResourceStates} has read the store up to {@code head}: the filter asks it
   * which change at or before the head is its resource's latest, whichever differ recorded it.
   */
  private void awaitStates(long head) throws InterruptedException {
    if (head < 0) {
      return;
    }
    TrackingEventProcessor reader =
        processing
            .eventProcessor(ResourceStates.GROUP, TrackingEventProcessor.class)
            .orElseThrow(() -> new IllegalStateException("no processor " + ResourceStates.GROUP));
    while (running) {
      EventTrackerStatus status = reader.processingStatus().get(0);
      if (status != null && status.getCurrentPosition().orElse(-1) >= head) {
        return;
      }
      Thread.sleep(STATES_POLL.toMillis());
    }
  }

  private TrackingEventProcessor processor() {
    return processing
        .eventProcessor(DiffOutbox.GROUP, TrackingEventProcessor.class)
        .orElseThrow(() -> new IllegalStateException("no processor " + DiffOutbox.GROUP));
  }
}
