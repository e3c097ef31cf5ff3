package dev.opsledger.audit;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.OffsetRange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Where each resource's records are on the per-resource topics: for every record, its key (and its
 * {@code ce_subject}, when that differs) with topic, partition, offset and timestamp. A history
 * then seeks to its resource's records instead of scanning their partition.
 *
 * <p>On disk, in its own directory, three files:
 *
 * <ul>
 *   <li>{@code keys}: one key per line, appended; a key's id is its line number.
 *   <li>{@code entries}: fixed 24-byte entries, appended: key id (int), topic (short: {@link Topic}
 *       ordinal), partition (short), offset (long), timestamp in ms (long).
 *   <li>{@code positions}: replaced atomically after each catch-up: how many keys and entries are
 *       committed, and the next offset to index on each partition. It is the commit point: bytes
 *       past the committed counts (a catch-up cut short) are cut off when the index is opened.
 * </ul>
 *
 * <p>Derived data: an index whose files are missing, short or inconsistent with the log (a
 * partition now shorter than its position: the topic was recreated) is emptied and rebuilt from the
 * log. Catch-up is per partition, so a history catches up only its own partitions. Not thread-safe:
 * its owner ({@link AuditStore}) serialises calls.
 */
final class OffsetIndex {

  static final int ENTRY_BYTES = 24;
  private static final String HEADER = "opsledger-audit-offset-index 1";
  private static final Topic[] TOPICS = Topic.values();

  private final Path dir;
  private final boolean writable;
  private final List<String> keys = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private long entries;

  private OffsetIndex(Path dir, boolean writable) {
    this.dir = dir;
    this.writable = writable;
  }

  /**
   * Opens the index in {@code dir}. A read-only index reads what its writer (another process) has
   * committed and never changes the files.
   */
  static OffsetIndex open(Path dir, boolean writable) {
    OffsetIndex index = new OffsetIndex(dir, writable);
    try {
      if (!index.load()) {
        index.reset();
      }
    } catch (IOException | RuntimeException e) {
      index.reset();
    }
    return index;
  }

  /** The next offset to index on each partition indexed so far. */
  Map<TopicPartition, Long> positions() {
    return Map.copyOf(positions);
  }

  boolean writable() {
    return writable;
  }

  /** Empties the index: the next catch-up rebuilds it from the log. */
  void reset() {
    keys.clear();
    ids.clear();
    positions.clear();
    entries = 0;
    if (writable) {
      try {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("entries"));
        Files.deleteIfExists(dir.resolve("keys"));
        writePositions();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot reset the audit index in " + dir, e);
      }
    }
  }

  /**
   * Adds the records read on {@code tp} up to {@code next} (exclusive) and commits. Records are
   * indexed under their key, and under their {@code ce_subject} too when it is another resource.
   */
  /** What the index keeps of one record. */
  record Indexed(String key, String subject, long offset, long timestamp) {
    static Indexed of(ConsumerRecord<String, byte[]> r) {
      return new Indexed(r.key(), OffsetIndex.subject(r), r.offset(), r.timestamp());
    }
  }

  void append(TopicPartition tp, List<Indexed> records, long next) {
    ByteBuffer buf = ByteBuffer.allocate(records.size() * 2 * ENTRY_BYTES);
    List<String> newKeys = new ArrayList<>();
    int added = 0;
    short topic = (short) Topic.byName(tp.topic()).ordinal();
    for (Indexed r : records) {
      String key = r.key();
      String subject = r.subject();
      String[] under =
          subject == null || subject.equals(key) ? new String[] {key} : new String[] {key, subject};
      for (String k : under) {
        if (k == null) {
          continue;
        }
        Integer id = ids.get(k);
        if (id == null) {
          id = keys.size();
          keys.add(k);
          ids.put(k, id);
          newKeys.add(k);
        }
        buf.putInt(id).putShort(topic).putShort((short) tp.partition());
        buf.putLong(r.offset()).putLong(r.timestamp());
        added++;
      }
    }
    buf.flip();
    if (writable) {
      try {
        try (FileChannel ch =
            FileChannel.open(
                dir.resolve("entries"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          ch.position(entries * ENTRY_BYTES);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
        if (!newKeys.isEmpty()) {
          try (BufferedWriter w =
              Files.newBufferedWriter(
                  dir.resolve("keys"),
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND)) {
            for (String k : newKeys) {
              w.write(k);
              w.write('\n');
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the audit index in " + dir, e);
      }
    } else {
      pending.put(entries, buf.duplicate());
    }
    entries += added;
    positions.put(tp, next);
    if (writable) {
      try {
        writePositions();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the audit index in " + dir, e);
      }
    }
  }

  /** Entries a read-only index added in memory only, by their first entry number. */
  private final Map<Long, ByteBuffer> pending = new TreeMap<>();

  /**
   * The offsets of {@code key}'s records within {@code ranges}, ascending per partition; empty for
   * a key never seen.
   */
  Map<TopicPartition, long[]> offsetsOf(String key, Map<TopicPartition, OffsetRange> ranges) {
    Integer id = ids.get(key);
    Map<TopicPartition, List<Long>> found = new HashMap<>();
    if (id != null) {
      long committed = writable ? entries : committedOnDisk;
      if (committed > 0) {
        try (FileChannel ch = FileChannel.open(dir.resolve("entries"), StandardOpenOption.READ)) {
          ByteBuffer buf = ByteBuffer.allocate(ENTRY_BYTES * 8192);
          long total = committed * ENTRY_BYTES;
          long pos = 0;
          while (pos < total) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), total - pos));
            while (buf.hasRemaining()) {
              if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("the index's entries end early");
              }
            }
            buf.flip();
            pos += buf.limit();
            while (buf.remaining() >= ENTRY_BYTES) {
              match(buf, id, ranges, found);
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the audit index in " + dir, e);
        }
      }
      for (ByteBuffer b : pending.values()) {
        ByteBuffer d = b.duplicate();
        while (d.remaining() >= ENTRY_BYTES) {
          match(d, id, ranges, found);
        }
      }
    }
    Map<TopicPartition, long[]> out = new HashMap<>();
    found.forEach(
        (tp, list) -> out.put(tp, list.stream().mapToLong(Long::longValue).sorted().toArray()));
    return out;
  }

  private static void match(
      ByteBuffer buf,
      int id,
      Map<TopicPartition, OffsetRange> ranges,
      Map<TopicPartition, List<Long>> found) {
    int k = buf.getInt();
    short topic = buf.getShort();
    short partition = buf.getShort();
    long offset = buf.getLong();
    buf.getLong();
    if (k != id) {
      return;
    }
    TopicPartition tp = new TopicPartition(TOPICS[topic].topicName(), partition);
    OffsetRange range = ranges.get(tp);
    if (range != null && offset >= range.from() && offset < range.to()) {
      found.computeIfAbsent(tp, t -> new ArrayList<>()).add(offset);
    }
  }

  private long committedOnDisk;

  private boolean load() throws IOException {
    Path p = dir.resolve("positions");
    if (!Files.exists(p)) {
      return false;
    }
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    if (lines.size() < 3 || !HEADER.equals(lines.get(0))) {
      return false;
    }
    long keyCount = Long.parseLong(lines.get(1).substring("keys ".length()));
    long entryCount = Long.parseLong(lines.get(2).substring("entries ".length()));
    for (String line : lines.subList(3, lines.size())) {
      String[] f = line.split(" ");
      positions.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
    }
    Path entriesFile = dir.resolve("entries");
    long size = Files.exists(entriesFile) ? Files.size(entriesFile) : 0;
    if (size < entryCount * ENTRY_BYTES) {
      return false;
    }
    if (keyCount > 0) {
      try (var in = Files.newBufferedReader(dir.resolve("keys"), StandardCharsets.UTF_8)) {
        for (long i = 0; i < keyCount; i++) {
          String k = in.readLine();
          if (k == null) {
            return false;
          }
          ids.put(k, keys.size());
          keys.add(k);
        }
      }
    }
    entries = entryCount;
    committedOnDisk = entryCount;
    if (writable) {
      truncate(entriesFile, entryCount * ENTRY_BYTES);
      rewriteKeysIfLonger(keyCount);
    }
    return true;
  }

  private void rewriteKeysIfLonger(long keyCount) throws IOException {
    Path k = dir.resolve("keys");
    if (Files.exists(k) && Files.lines(k, StandardCharsets.UTF_8).count() > keyCount) {
      Files.write(k, keys, StandardCharsets.UTF_8);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    if (Files.exists(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(size);
      }
    }
  }

  private void writePositions() throws IOException {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    s.append("keys ").append(keys.size()).append('\n');
    s.append("entries ").append(entries).append('\n');
    new TreeMap<>(
            positions.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        e -> e.getKey().topic() + " " + e.getKey().partition(),
                        Map.Entry::getValue)))
        .forEach((tp, next) -> s.append(tp).append(' ').append(next).append('\n'));
    Path tmp = dir.resolve("positions.tmp");
    Files.writeString(tmp, s, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        dir.resolve("positions"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    committedOnDisk = entries;
  }

  private static String subject(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(CloudEventHeaders.SUBJECT);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
