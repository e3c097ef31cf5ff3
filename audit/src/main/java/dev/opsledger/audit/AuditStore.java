package dev.opsledger.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.OffsetRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's derived data on local disk, for one Kafka cluster: the {@link OffsetIndex} of every
 * resource's records, and snapshots of the {@link LiveView} (which holds the state-at fold) every
 * {@link #snapshotEvery} records of the state topics, each with the offsets it covers.
 *
 * <p>One process writes (whoever holds {@code lock}: the audit API of {@code opsledger up}, or a
 * CLI command when no service runs); others read what it committed and read the rest of the log
 * themselves, in memory. Everything here is derived: deleting the directory changes no answer, only
 * the time the next one takes (it is rebuilt from the log).
 *
 * <p>Snapshot rule (why snapshot + tail equals a full replay): a snapshot with cut {@code c} folds,
 * in log order, every record before the first offset at or after {@code c} of each partition (what
 * {@code offsetsForTimes(c)} gives), so every record it folded is older than {@code c}. A read from
 * a snapshot folds the records after those offsets and first checks each is at or after {@code c}:
 * then they all come after the snapshot's records in log order, and the fold is the full replay's.
 * A record older than {@code c} past a snapshot's offsets (a producer with a late clock), a log
 * whose start moved since (retention), or a state-at time before the snapshot's newest event time,
 * makes the snapshot unusable: the answer is read some other way, never wrong.
 */
public final class AuditStore {

  private static final Logger LOG = LoggerFactory.getLogger(AuditStore.class);
  private static final Map<Path, AuditStore> OPEN = new ConcurrentHashMap<>();
  private static final Map<String, Path> DIR_BY_CLUSTER = new ConcurrentHashMap<>();
  // 2: a redelivered diff's ApplySkipped(already-applied) no longer counts as the last apply.
  private static final int SNAPSHOT_VERSION = 2;
  private static final int INDEX_CHUNK = 10_000;

  /** The state topics: what state-at, status and the snapshots fold. */
  static final Set<Topic> STATE_TOPICS =
      EnumSet.of(Topic.DESIRED, Topic.OBSERVED, Topic.DIFFS, Topic.APPLIES);

  /**
   * The per-resource topics the offset index covers: a history's topics. Pull request previews are
   * kept apart: they are keyed by request, and what they show never happened.
   */
  static final Set<Topic> INDEXED_TOPICS =
      EnumSet.complementOf(EnumSet.of(Topic.COMMITS, Topic.PREVIEWS));

  private final Path dir;
  private FileChannel lockChannel;
  private final boolean writable;
  private final OffsetIndex index;
  private int snapshotEvery = Integer.getInteger("opsledger.audit.snapshot-every", 20_000);
  private Duration snapshotLag = Duration.ofMinutes(1);
  private Duration snapshotAge = Duration.ofMinutes(10);

  /** A snapshot of the live view, as written to disk. */
  record Snapshot(
      int version,
      long cut,
      long maxEventTime,
      Map<String, Long> starts,
      Map<String, Long> positions,
      long records,
      LiveView.Saved view) {}

  private AuditStore(Path dir) {
    this.dir = dir;
    this.writable = lock();
    this.index = OffsetIndex.open(dir.resolve("index"), writable);
  }

  /** The store in {@code dir}, shared by every audit of this JVM that uses it. */
  public static AuditStore at(Path dir) {
    return OPEN.computeIfAbsent(dir.toAbsolutePath().normalize(), AuditStore::new);
  }

  /**
   * The default place of a cluster's store: {@code <base>/<cluster id>}, where base is the system
   * property {@code opsledger.audit.dir}, else {@code $OPSLEDGER_AUDIT_DIR}, else {@code
   * $XDG_CACHE_HOME/opsledger/audit} ({@code ~/.cache/opsledger/audit}). By cluster id, so a log
   * started afresh at the same address never meets an older log's index. {@code null} when the
   * cluster does not say its id in 5 s: the audit then reads the log without a store.
   */
  public static Path defaultDir(KafkaConnection connection) {
    Path known = DIR_BY_CLUSTER.get(connection.bootstrapServers());
    if (known != null) {
      return known;
    }
    String clusterId;
    try (Admin admin = Admin.create(KafkaSettings.admin(connection))) {
      clusterId = admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
    if (clusterId == null || !clusterId.matches("[A-Za-z0-9_-]+")) {
      return null;
    }
    Path dir = base().resolve(clusterId);
    DIR_BY_CLUSTER.put(connection.bootstrapServers(), dir);
    return dir;
  }

  private static Path base() {
    String prop = System.getProperty("opsledger.audit.dir");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv("OPSLEDGER_AUDIT_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String cache = System.getenv("XDG_CACHE_HOME");
    Path root =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    return root.resolve("opsledger").resolve("audit");
  }

  /** Where it lives. */
  public Path dir() {
    return dir;
  }

  /** Whether this process maintains it (holds its lock); otherwise it only reads. */
  public boolean writable() {
    return writable;
  }

  /** Snapshots every this many records of the state topics (tests make it small). */
  synchronized AuditStore snapshotEvery(int records, Duration lag) {
    this.snapshotEvery = records;
    this.snapshotLag = lag;
    return this;
  }

  /** Empties the index and deletes every snapshot: the next answers rebuild them from the log. */
  public synchronized void clear() {
    if (!writable) {
      return;
    }
    index.reset();
    for (Path p : snapshotFiles()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Brings the index up to the end of the log and adds snapshots for what the state topics gained
   * (every {@link #snapshotEvery} records, or the last ones when the newest snapshot is old). Only
   * the process holding the lock does anything.
   */
  public synchronized void maintain(LogReader reader) {
    if (!writable) {
      return;
    }
    Map<TopicPartition, OffsetRange> all = reader.plan(INDEXED_TOPICS, null, null);
    catchUp(reader, all);
    extendSnapshots(reader);
  }

  /**
   * Adds snapshots for what the state topics gained, without indexing: what state-at and the live
   * view need. A first state-at on a log without a store so decodes the state topics once and
   * leaves the per-resource index to the first history. Only the process holding the lock writes.
   */
  public synchronized void maintainSnapshots(LogReader reader) {
    if (writable) {
      extendSnapshots(reader);
    }
  }

  /**
   * The offsets of {@code key}'s records within {@code ranges}, after indexing what those
   * partitions gained: reads nothing of any other partition.
   */
  synchronized Map<TopicPartition, long[]> offsetsOf(
      LogReader reader, String key, Map<TopicPartition, OffsetRange> ranges) {
    Map<TopicPartition, OffsetRange> all = new LinkedHashMap<>();
    Map<TopicPartition, OffsetRange> ends =
        reader.plan(
            ranges.keySet().stream().map(tp -> Topic.byName(tp.topic())).distinct().toList(),
            null,
            null);
    ranges.keySet().forEach(tp -> all.put(tp, ends.get(tp)));
    catchUp(reader, all);
    return index.offsetsOf(key, ranges);
  }

  private void catchUp(LogReader reader, Map<TopicPartition, OffsetRange> partitions) {
    for (Map.Entry<TopicPartition, OffsetRange> e : partitions.entrySet()) {
      if (e.getValue() != null
          && index.positions().getOrDefault(e.getKey(), 0L) > e.getValue().to()) {
        LOG.warn("{} is shorter than the audit index says: rebuilding the index", e.getKey());
        index.reset();
        break;
      }
    }
    for (Map.Entry<TopicPartition, OffsetRange> e : partitions.entrySet()) {
      TopicPartition tp = e.getKey();
      OffsetRange range = e.getValue();
      if (range == null) {
        continue;
      }
      long from = Math.max(range.from(), index.positions().getOrDefault(tp, 0L));
      if (from >= range.to()) {
        continue;
      }
      List<OffsetIndex.Indexed> chunk = new ArrayList<>();
      reader.readRaw(
          Map.of(tp, new OffsetRange(from, range.to())),
          r -> {
            chunk.add(OffsetIndex.Indexed.of(r));
            if (chunk.size() >= INDEX_CHUNK) {
              index.append(tp, chunk, r.offset() + 1);
              chunk.clear();
            }
          });
      index.append(tp, chunk, range.to());
    }
  }

  /** A view restored from a snapshot and the records after it, with where the read ended. */
  record FromSnapshot(LiveView view, Map<TopicPartition, Long> positions, Instant cut) {}

  /**
   * The live view at the end of the log (with {@code at} null) or as of {@code at}, from the newest
   * usable snapshot and the records after it; {@code null} when no snapshot is usable or the
   * records after it are out of order (the caller then reads the whole log).
   */
  synchronized FromSnapshot viewAt(LogReader reader, Instant at) {
    Map<TopicPartition, OffsetRange> plan = reader.plan(STATE_TOPICS, null, at);
    Map<String, Long> begins = new HashMap<>();
    plan.forEach((tp, r) -> begins.put(name(tp), r.from()));
    for (Path file : snapshotFiles()) {
      long cut = cutOf(file);
      if (at != null && cut > at.toEpochMilli()) {
        continue;
      }
      Snapshot s = load(file);
      if (s == null
          || !s.starts().equals(begins)
          || (at != null && s.maxEventTime() > at.toEpochMilli())) {
        continue;
      }
      Map<TopicPartition, OffsetRange> tail = new LinkedHashMap<>();
      boolean fits = true;
      for (Map.Entry<TopicPartition, OffsetRange> e : plan.entrySet()) {
        long p = s.positions().getOrDefault(name(e.getKey()), e.getValue().from());
        if (p > e.getValue().to()) {
          fits = false;
          break;
        }
        tail.put(e.getKey(), new OffsetRange(p, e.getValue().to()));
      }
      if (!fits) {
        continue;
      }
      List<LoggedEvent> after = new ArrayList<>();
      reader.read(tail, after::add);
      if (after.stream().anyMatch(e -> e.timestamp().toEpochMilli() < s.cut())) {
        LOG.info("records older than snapshot {} come after it: reading the whole log", file);
        return null;
      }
      after.sort(LoggedEvent.LOG_ORDER);
      LiveView view = LiveView.restore(s.view());
      for (LoggedEvent e : after) {
        if (at == null || (e.readable() && !e.event().time().isAfter(at))) {
          view.add(e);
        }
      }
      Map<TopicPartition, Long> positions = new HashMap<>();
      tail.forEach((tp, r) -> positions.put(tp, r.to()));
      return new FromSnapshot(view, positions, Instant.ofEpochMilli(s.cut()));
    }
    return null;
  }

  private void extendSnapshots(LogReader reader) {
    Map<TopicPartition, OffsetRange> all = reader.plan(STATE_TOPICS, null, null);
    Map<String, Long> begins = new HashMap<>();
    all.forEach((tp, r) -> begins.put(name(tp), r.from()));
    Snapshot latest = null;
    for (Path file : snapshotFiles()) {
      Snapshot s = load(file);
      if (s != null && s.starts().equals(begins)) {
        latest = s;
        break;
      }
    }
    LiveView view = latest == null ? new LiveView() : LiveView.restore(latest.view());
    Map<TopicPartition, Long> pos = new HashMap<>();
    Map<String, Long> saved = latest == null ? Map.of() : latest.positions();
    all.forEach((tp, r) -> pos.put(tp, saved.getOrDefault(name(tp), r.from())));
    long cut = latest == null ? Long.MIN_VALUE : latest.cut();
    long maxEvent = latest == null ? Long.MIN_VALUE : latest.maxEventTime();
    long records = latest == null ? 0 : latest.records();
    long limit = Instant.now().minus(snapshotLag).toEpochMilli();
    while (true) {
      long pending = count(pos, startsAt(reader, all, limit));
      boolean young =
          latest != null && latest.cut() > Instant.now().minus(snapshotAge).toEpochMilli();
      if (pending == 0 || (pending < snapshotEvery && young)) {
        return;
      }
      long c = limit;
      if (pending > snapshotEvery) {
        long lo = cut == Long.MIN_VALUE ? 0 : cut;
        long hi = limit;
        // The latest cut whose chunk holds at most snapshotEvery records (at least one record).
        for (int i = 0; i < 40 && hi - lo > 1; i++) {
          long mid = lo + (hi - lo) / 2;
          long n = count(pos, startsAt(reader, all, mid));
          if (n > snapshotEvery) {
            hi = mid;
          } else {
            lo = mid;
            if (n >= snapshotEvery * 3L / 4) {
              break; // close enough: chunks need not be equal
            }
          }
        }
        c = count(pos, startsAt(reader, all, lo)) > 0 ? lo : hi;
      }
      Map<TopicPartition, Long> next = startsAt(reader, all, c);
      Map<TopicPartition, OffsetRange> chunk = new LinkedHashMap<>();
      next.forEach(
          (tp, p) -> chunk.put(tp, new OffsetRange(pos.get(tp), Math.max(p, pos.get(tp)))));
      List<LoggedEvent> events = new ArrayList<>();
      reader.read(chunk, events::add);
      long previousCut = cut;
      if (events.stream().anyMatch(e -> e.timestamp().toEpochMilli() < previousCut)) {
        LOG.warn("records older than the last audit snapshot came after it: no newer snapshot");
        return;
      }
      events.sort(LoggedEvent.LOG_ORDER);
      for (LoggedEvent e : events) {
        view.add(e);
        if (e.readable()) {
          maxEvent = Math.max(maxEvent, e.event().time().toEpochMilli());
        }
      }
      records += events.size();
      chunk.forEach((tp, r) -> pos.put(tp, r.to()));
      cut = c;
      Map<String, Long> positions = new HashMap<>();
      pos.forEach((tp, p) -> positions.put(name(tp), p));
      latest =
          new Snapshot(SNAPSHOT_VERSION, cut, maxEvent, begins, positions, records, view.save());
      write(latest);
      if (c == limit) {
        return;
      }
    }
  }

  /** Where each partition's records at or after {@code millis} begin (never before its start). */
  private static Map<TopicPartition, Long> startsAt(
      LogReader reader, Map<TopicPartition, OffsetRange> all, long millis) {
    Map<TopicPartition, Long> out = new HashMap<>();
    reader
        .offsetsAt(all.keySet(), millis)
        .forEach(
            (tp, o) -> out.put(tp, Math.min(all.get(tp).to(), Math.max(all.get(tp).from(), o))));
    return out;
  }

  private static long count(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    long n = 0;
    for (Map.Entry<TopicPartition, Long> e : to.entrySet()) {
      n += Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), 0L));
    }
    return n;
  }

  private void write(Snapshot s) {
    Path dirOf = dir.resolve("snapshots");
    Path file = dirOf.resolve(String.format("state-%020d.json.gz", s.cut()));
    try {
      Files.createDirectories(dirOf);
      Path tmp = dirOf.resolve(file.getFileName() + ".tmp");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        mapper().writeValue(out, s);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write the audit snapshot {}: {}", file, e.toString());
    }
  }

  private static Snapshot load(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      Snapshot s = mapper().readValue(in, Snapshot.class);
      return s.version() == SNAPSHOT_VERSION ? s : null;
    } catch (IOException | RuntimeException e) {
      // A half-written or unreadable snapshot is no snapshot: the answer is read another way.
      LOG.warn("ignoring the audit snapshot {}: {}", file, e.toString());
      return null;
    }
  }

  /** Snapshot files, newest cut first. */
  private List<Path> snapshotFiles() {
    Path d = dir.resolve("snapshots");
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(d)) {
      return files
          .filter(p -> p.getFileName().toString().matches("state-\\d+\\.json\\.gz"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long cutOf(Path file) {
    String n = file.getFileName().toString();
    return Long.parseLong(n.substring("state-".length(), n.indexOf('.')));
  }

  private static String name(TopicPartition tp) {
    return tp.topic() + "/" + tp.partition();
  }

  private static ObjectMapper mapper() {
    return EventJson.mapper();
  }

  /**
   * Closes the store of {@code dir} in this JVM and releases its lock, as a process exiting would:
   * the next {@link #at} opens it afresh from disk (tests of restarts).
   */
  static void closeForRestart(Path dir) {
    AuditStore s = OPEN.remove(dir.toAbsolutePath().normalize());
    if (s != null && s.lockChannel != null) {
      try {
        s.lockChannel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private boolean lock() {
    try {
      Files.createDirectories(dir);
      FileChannel ch =
          FileChannel.open(
              dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        return false;
      }
      // Held until the process exits (or a test's restart): the channel stays open.
      lockChannel = ch;
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
