package dev.opsledger.audit;

import dev.opsledger.kafka.KafkaConnection;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LiveView} kept up to date: its first refresh starts from the newest usable snapshot of
 * the store and reads the log after it (the whole log without one), later refreshes read only what
 * the log gained since. What {@code opsledger status} reads once and {@code opsledger up}'s status
 * table and {@code --exit-when-synced} read every few seconds.
 */
public final class LiveFollower {

  private static final Logger LOG = LoggerFactory.getLogger(LiveFollower.class);

  private final KafkaConnection connection;
  private final AuditStore store;
  private Map<TopicPartition, Long> positions;
  private LiveView view;
  private long lastRead;

  LiveFollower(KafkaConnection connection, AuditStore store) {
    this.connection = connection;
    this.store = store;
  }

  /**
   * Reads what the log gained and returns the view now.
   *
   * @throws org.apache.kafka.common.KafkaException when the log cannot be read; the next refresh
   *     tries again from where the last good one ended
   */
  public LiveView.Now refresh() {
    return refresh(e -> {});
  }

  /**
   * Like {@link #refresh()}, and hands each record the log gained since the last refresh to {@code
   * gained} after folding it (not those of the first refresh, which builds the view: they are the
   * past). The audit's event stream reports every change this way, however short-lived.
   */
  public LiveView.Now refresh(java.util.function.Consumer<LoggedEvent> gained) {
    // A reader per refresh: a reader's deadline runs from its opening, and a new one reconnects
    // after a broker restart.
    try (LogReader reader = new LogReader(connection)) {
      if (view == null) {
        start(reader);
      } else {
        reader.readNew(
            AuditStore.STATE_TOPICS,
            positions,
            e -> {
              view.add(e);
              gained.accept(e);
            });
      }
      lastRead = reader.recordsRead();
    }
    return view.now();
  }

  /** How many records the last refresh read. */
  public long lastRead() {
    return lastRead;
  }

  private void start(LogReader reader) {
    if (store != null) {
      try {
        store.maintainSnapshots(reader);
        AuditStore.FromSnapshot s = store.viewAt(reader, null);
        if (s != null) {
          view = s.view();
          positions = new HashMap<>(s.positions());
          return;
        }
      } catch (UncheckedIOException | IllegalStateException e) {
        LOG.warn("the audit snapshots failed ({}); reading the log without them", e.toString());
      }
    }
    LiveView fresh = new LiveView();
    Map<TopicPartition, Long> from = new HashMap<>();
    reader.readNew(AuditStore.STATE_TOPICS, from, fresh::add);
    view = fresh;
    positions = from;
  }
}
