package dev.opsledger.differ.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
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
 */
public class OutboxStarter implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxStarter.class);
  private static final Duration RETRY = Duration.ofSeconds(2);

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
      states.seed(store);
      if (firstStart()) {
        prepareRebuild();
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
    int[] segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(DiffOutbox.GROUP));
    return segments.length == 0;
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
    LOG.info(
        "no outbox token: rebuild mode, {} resources already published, replay head at {}",
        seen.size(),
        head);
    outbox.rebuilding(new RebuildFilter(seen, head));
  }

  private TrackingEventProcessor processor() {
    return processing
        .eventProcessor(DiffOutbox.GROUP, TrackingEventProcessor.class)
        .orElseThrow(() -> new IllegalStateException("no processor " + DiffOutbox.GROUP));
  }
}
