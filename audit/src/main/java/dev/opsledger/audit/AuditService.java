package dev.opsledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsledger.audit.Answers.Change;
import dev.opsledger.audit.Answers.CommitTimeline;
import dev.opsledger.audit.Answers.ResourceHistory;
import dev.opsledger.audit.Answers.StateAt;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventType;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.OffsetRange;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit over a Kafka cluster: each question reads the topics it needs from the log and folds
 * them with {@link AuditProjections}. Every call opens its own reader, so calls may run
 * concurrently.
 *
 * <p>With an {@link AuditStore} (the default: one per cluster on local disk), a history seeks to
 * its resource's records through the offset index, and state-at and the live view start from the
 * nearest snapshot. The store is derived data: whatever goes wrong with it, the answer is read from
 * the log as without one, and is the same.
 */
public final class AuditService {

  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);

  private static final Set<Topic> STATE_TOPICS = AuditStore.STATE_TOPICS;

  private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

  private final KafkaConnection connection;
  private final boolean useStore;
  private Path storeDir;
  private boolean storeResolved;

  /** An audit of the plaintext cluster at {@code bootstrapServers}. */
  public AuditService(String bootstrapServers) {
    this(KafkaConnection.of(bootstrapServers));
  }

  /**
   * An audit of the cluster {@code connection} reaches, with its client properties, and the store
   * at {@link AuditStore#defaultDir}.
   */
  public AuditService(KafkaConnection connection) {
    this.connection = connection;
    this.useStore = true;
  }

  /** An audit with its store in {@code storeDir}; {@code null}: none, every answer a full read. */
  public AuditService(KafkaConnection connection, Path storeDir) {
    this.connection = connection;
    this.useStore = storeDir != null;
    this.storeDir = storeDir;
    this.storeResolved = true;
  }

  /** The store this audit uses, or {@code null}. */
  public synchronized AuditStore store() {
    if (!useStore) {
      return null;
    }
    if (!storeResolved) {
      storeDir = AuditStore.defaultDir(connection);
      storeResolved = storeDir != null;
    }
    return storeDir == null ? null : AuditStore.at(storeDir);
  }

  /**
   * Brings the store up to the end of the log (index and snapshots); a no-op without a store or
   * when another process maintains it. {@code opsledger up}'s audit API calls it periodically.
   */
  public void maintain() {
    AuditStore store = store();
    if (store != null && store.writable()) {
      try (LogReader reader = new LogReader(connection)) {
        store.maintain(reader);
      }
    }
  }

  /** Everything that happened to one resource in {@code [from, to]} (nulls: the whole log). */
  public ResourceHistory history(ResourceKey key, Instant from, Instant to) {
    AuditStore store = store();
    if (store != null) {
      try (LogReader reader = new LogReader(connection)) {
        return history(reader, store, key, from, to);
      } catch (UncheckedIOException | IllegalStateException e) {
        LOG.warn("the audit index failed ({}); reading the log without it", e.toString());
      }
    }
    try (LogReader reader = new LogReader(connection)) {
      return history(reader, key, from, to);
    }
  }

  /**
   * The history of one resource read with {@code reader}: the commits, and of each per-resource
   * topic only the partition the resource's key is written to.
   */
  static ResourceHistory history(LogReader reader, ResourceKey key, Instant from, Instant to) {
    EnumSet<Topic> perResource = EnumSet.complementOf(EnumSet.of(Topic.COMMITS));
    List<LoggedEvent> events = reader.readKey(perResource, key.toString(), from, to);
    return withCommits(reader, events, key, to);
  }

  /**
   * The history of one resource through the offset index: of the partition its key is written to on
   * each per-resource topic, only its own records (after indexing what the partition gained).
   */
  static ResourceHistory history(
      LogReader reader, AuditStore store, ResourceKey key, Instant from, Instant to) {
    String k = key.toString();
    Map<TopicPartition, OffsetRange> plan = reader.plan(AuditStore.INDEXED_TOPICS, from, to);
    Map<String, Integer> partitionCounts = new LinkedHashMap<>();
    plan.keySet().forEach(tp -> partitionCounts.merge(tp.topic(), 1, Integer::sum));
    Map<TopicPartition, OffsetRange> mine = new LinkedHashMap<>();
    plan.forEach(
        (tp, range) -> {
          if (tp.partition() == LogReader.partitionOf(k, partitionCounts.get(tp.topic()))) {
            mine.put(tp, range);
          }
        });
    List<LoggedEvent> events = new java.util.ArrayList<>();
    reader.readOffsets(store.offsetsOf(reader, k, mine), events::add);
    return withCommits(reader, events, key, to);
  }

  private static ResourceHistory withCommits(
      LogReader reader, List<LoggedEvent> events, ResourceKey key, Instant to) {
    // Every commit up to the end of the range, those before it too: they name the authors and pull
    // requests of the desired revisions in it.
    List<LoggedEvent> commits = reader.read(EnumSet.of(Topic.COMMITS), null, to);
    commits.addAll(events);
    commits.sort(LoggedEvent.LOG_ORDER);
    return AuditProjections.history(commits, key);
  }

  /** The state of every resource at {@code at}. */
  public StateAt stateAt(Instant at) {
    AuditStore store = store();
    if (store != null) {
      try (LogReader reader = new LogReader(connection)) {
        store.maintainSnapshots(reader);
        AuditStore.FromSnapshot s = store.viewAt(reader, at);
        if (s != null) {
          return s.view().stateAt(at);
        }
      } catch (UncheckedIOException | IllegalStateException e) {
        LOG.warn("the audit snapshots failed ({}); reading the log without them", e.toString());
      }
    }
    try (LogReader reader = new LogReader(connection)) {
      return AuditProjections.stateAt(reader.read(STATE_TOPICS, null, at), at);
    }
  }

  /**
   * The live view of every resource now, kept up to date by {@link LiveFollower#refresh()}: from
   * the newest snapshot and the log after it, then only what the log gains.
   */
  public LiveFollower liveView() {
    return new LiveFollower(connection, store());
  }

  /**
   * How one commit went through the pipeline. Read in passes that keep only what the answer needs,
   * without the manifests and live states it never shows, so memory follows the commit, not the
   * length of the log: the commits; the events of this commit; of each resource it declared, the
   * first newer revision that took it over; and its health records, those before the commit folded
   * into the last one.
   */
  public CommitTimeline timeline(String shaOrPrefix) {
    try (LogReader reader = new LogReader(connection)) {
      List<LoggedEvent> kept = reader.read(EnumSet.of(Topic.COMMITS), null, null);
      String sha = AuditProjections.fullSha(kept, shaOrPrefix);
      List<LoggedEvent> chain = new ArrayList<>();
      reader.scanMatching(
          EnumSet.complementOf(EnumSet.of(Topic.COMMITS)),
          null,
          null,
          RecordFilters.mentioning(Set.of(sha)),
          e -> {
            if (e.readable()
                && (sha.equals(e.event().correlation())
                    || sha.equals(AuditProjections.revisionOf(e.data())))) {
              chain.add(slim(e));
            }
          });
      chain.sort(AuditProjections.TIME_ORDER);
      Set<String> chained = new HashSet<>();
      Map<String, Instant> declaredAt = new HashMap<>();
      for (LoggedEvent e : chain) {
        chained.add(e.position());
        if (e.data() instanceof DesiredStateChanged c && sha.equals(c.revision())) {
          declaredAt.putIfAbsent(e.event().subject(), e.event().time());
        }
      }
      kept.addAll(chain);
      if (!declaredAt.isEmpty()) {
        Instant first = chain.get(0).event().time();
        Map<String, LoggedEvent> takenOver = new HashMap<>();
        reader.scanMatching(
            EnumSet.of(Topic.DESIRED),
            null,
            null,
            RecordFilters.about(declaredAt.keySet(), null),
            e -> {
              String subject = e.readable() ? e.event().subject() : null;
              if (subject != null
                  && declaredAt.containsKey(subject)
                  && (e.data() instanceof DesiredStateChanged
                      || e.data() instanceof DesiredStateRemoved)
                  && !sha.equals(AuditProjections.revisionOf(e.data()))
                  && e.event().time().isAfter(declaredAt.get(subject))) {
                takenOver.merge(subject, slim(e), AuditService::earlier);
              }
            });
        Map<String, LoggedEvent> healthBefore = new HashMap<>();
        reader.scanMatching(
            EnumSet.of(Topic.OBSERVED),
            null,
            null,
            RecordFilters.about(declaredAt.keySet(), EventType.RESOURCE_HEALTH_CHANGED),
            e -> {
              if (!(e.data() instanceof ResourceHealthChanged)
                  || !declaredAt.containsKey(e.event().subject())
                  || chained.contains(e.position())) {
                return;
              }
              String subject = e.event().subject();
              LoggedEvent end = takenOver.get(subject);
              if (e.event().time().isBefore(first)) {
                // Before the commit only the health it had when its wait opened counts: the last.
                healthBefore.merge(subject, e, (a, b) -> earlier(a, b) == a ? b : a);
              } else if (end == null || AuditProjections.TIME_ORDER.compare(e, end) < 0) {
                kept.add(e);
              }
            });
        kept.addAll(takenOver.values());
        kept.addAll(healthBefore.values());
      }
      kept.sort(LoggedEvent.LOG_ORDER);
      return AuditProjections.timeline(kept, sha);
    }
  }

  private static LoggedEvent earlier(LoggedEvent a, LoggedEvent b) {
    return AuditProjections.TIME_ORDER.compare(a, b) <= 0 ? a : b;
  }

  /** The event without its manifest, live state or patch: what no timeline shows. */
  private static LoggedEvent slim(LoggedEvent e) {
    OpsLedgerEvent d = e.data();
    OpsLedgerEvent lighter = d;
    if (d instanceof DesiredStateChanged c) {
      lighter =
          new DesiredStateChanged(
              c.resource(),
              c.sourceId(),
              c.revision(),
              c.path(),
              c.contentHash(),
              EMPTY,
              c.author(),
              c.committedAt(),
              c.pullRequest(),
              c.sequence());
    } else if (d instanceof ObservedStateChanged o) {
      lighter =
          new ObservedStateChanged(
              o.resource(),
              o.observedAt(),
              o.resourceVersion(),
              o.contentHash(),
              EMPTY,
              o.managed(),
              o.uid());
    } else if (d instanceof DriftDetected x) {
      lighter =
          new DriftDetected(
              x.resource(),
              x.sourceId(),
              x.desiredRevision(),
              x.observedHash(),
              x.detectedAt(),
              EMPTY,
              "",
              x.changedPaths());
    }
    if (lighter == d) {
      return e;
    }
    EventEnvelope<OpsLedgerEvent> v = e.event();
    return new LoggedEvent(
        e.topic(),
        e.partition(),
        e.offset(),
        e.timestamp(),
        e.key(),
        new EventEnvelope<>(
            v.id(), v.source(), v.time(), v.correlation(), v.causation(), v.traceparent(), lighter),
        e.error());
  }

  /**
   * Who changed what in {@code [since, until]}: the commits, then of the desired records only those
   * of the commits in the range, and of the approvals only those in it; memory follows the answer.
   */
  public List<Change> who(Instant since, Instant until) {
    try (LogReader reader = new LogReader(connection)) {
      List<LoggedEvent> kept = reader.read(EnumSet.of(Topic.COMMITS), null, until);
      Set<String> revisions = new HashSet<>();
      for (LoggedEvent e : kept) {
        if (within(e, since, until) && e.data() instanceof CommitObserved c) {
          revisions.add(c.sha());
        }
      }
      if (!revisions.isEmpty()) {
        reader.scanMatching(
            EnumSet.of(Topic.DESIRED),
            null,
            until,
            RecordFilters.mentioning(revisions),
            e -> {
              if (e.readable()
                  && (e.data() instanceof DesiredStateChanged
                      || e.data() instanceof DesiredStateRemoved)
                  && revisions.contains(AuditProjections.revisionOf(e.data()))) {
                kept.add(slim(e));
              }
            });
      }
      reader.scan(
          EnumSet.of(Topic.APPROVALS),
          null,
          until,
          e -> {
            if (within(e, since, until)) {
              kept.add(e);
            }
          },
          null);
      kept.sort(LoggedEvent.LOG_ORDER);
      return AuditProjections.who(kept, since, until);
    }
  }

  private static boolean within(LoggedEvent e, Instant since, Instant until) {
    return e.readable() && !e.event().time().isBefore(since) && !e.event().time().isAfter(until);
  }
}
