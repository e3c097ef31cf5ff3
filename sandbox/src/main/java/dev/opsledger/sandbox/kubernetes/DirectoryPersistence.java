package dev.opsledger.sandbox.kubernetes;

import dev.opsledger.sandbox.kubernetes.CrudStore.StoredObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * The emulator's objects on disk, in a directory of the caller's choice: a base file, {@code
 * objects.json}, replaced atomically, and a journal, {@code objects.journal}, to which each save
 * appends only what changed since the last one. Rewriting every object on every save made
 * persistence quadratic over a sync (at 1,000 objects it was about 14 % of the process's CPU, issue
 * 17); a save now costs a walk over the store's keys plus the changed objects. The journal is
 * folded into a new base once it outgrows it (and when the emulator closes).
 *
 * <p>Base format: {@code {"resourceVersion": "<counter>", "objects": [{"path": "<item URL path>",
 * "object": {...}}]}}; the path keeps the resource plural, which the object alone does not tell for
 * custom resources. Journal format: one JSON object per line, {@code {"path": P, "object": {...}}}
 * (stored) or {@code {"path": P, "deleted": true}}, each save ending with {@code
 * {"resourceVersion": "<counter>"}}. A save's lines count only once that last line is read, so a
 * crash in the middle of an append leaves the previous state; a journal save whose counter is not
 * above the base's is older than the base and is skipped.
 */
final class DirectoryPersistence {

  static final String FILE_NAME = "objects.json";
  static final String JOURNAL_NAME = "objects.journal";

  /** Below this a journal is never folded: a small store is cheap to rewrite, but not to churn. */
  private static final long MIN_FOLD_BYTES = 1 << 20;

  /** What is saved: the resourceVersion counter and the objects. */
  record Snapshot(long resourceVersion, List<StoredObject> objects) {}

  private final Path directory;

  /** What the files hold now, by item path (the very strings the store holds); null: unknown. */
  private Map<String, String> saved;

  private long baseBytes;
  private long journalBytes;

  DirectoryPersistence(Path directory) {
    this.directory = directory;
  }

  /** The saved state, or empty when the directory holds none yet. */
  synchronized Optional<Snapshot> load() {
    Path file = directory.resolve(FILE_NAME);
    Path journal = directory.resolve(JOURNAL_NAME);
    if (!Files.isRegularFile(file) && !Files.isRegularFile(journal)) {
      return Optional.empty();
    }
    Map<String, String> objects = new LinkedHashMap<>();
    long resourceVersion = 0;
    try {
      if (Files.isRegularFile(file)) {
        JsonNode root = Json.read(Files.readString(file));
        for (JsonNode entry : root.path("objects")) {
          objects.put(entry.path("path").asString(), entry.path("object").toString());
        }
        resourceVersion = Long.parseLong(root.path("resourceVersion").asString("0"));
        baseBytes = Files.size(file);
      }
      if (Files.isRegularFile(journal)) {
        resourceVersion = replay(journal, objects, resourceVersion);
        journalBytes = Files.size(journal);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    saved = objects;
    List<StoredObject> list = new ArrayList<>(objects.size());
    objects.forEach((path, json) -> list.add(new StoredObject(path, json)));
    return Optional.of(new Snapshot(resourceVersion, list));
  }

  /**
   * Saves the store's state: only what changed since the last save is appended, unless the journal
   * has outgrown the base or nothing was saved by this instance yet (then the base is rewritten).
   */
  synchronized void save(Snapshot snapshot) {
    Map<String, String> now = new LinkedHashMap<>(snapshot.objects().size() * 2);
    for (StoredObject object : snapshot.objects()) {
      now.put(object.path(), object.json());
    }
    try {
      Files.createDirectories(directory);
      if (saved == null || journalBytes > Math.max(baseBytes, MIN_FOLD_BYTES)) {
        writeBase(now, snapshot.resourceVersion());
      } else {
        append(now, snapshot.resourceVersion());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(FILE_NAME), e);
    }
    saved = now;
  }

  /** Folds the journal into a new base, so that the next load reads one file. */
  synchronized void compact(Snapshot snapshot) {
    saved = null;
    save(snapshot);
  }

  private void append(Map<String, String> now, long resourceVersion) throws IOException {
    StringBuilder batch = new StringBuilder();
    for (String path : saved.keySet()) {
      if (!now.containsKey(path)) {
        batch.append("{\"path\":").append(quote(path)).append(",\"deleted\":true}\n");
      }
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      String before = saved.get(e.getKey());
      // The store keeps an object's string until it changes: identity is the cheap test.
      if (before != e.getValue() && !e.getValue().equals(before)) {
        batch
            .append("{\"path\":")
            .append(quote(e.getKey()))
            .append(",\"object\":")
            .append(oneLine(e.getValue()))
            .append("}\n");
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    batch.append("{\"resourceVersion\":\"").append(resourceVersion).append("\"}\n");
    byte[] bytes = batch.toString().getBytes(StandardCharsets.UTF_8);
    Files.write(
        directory.resolve(JOURNAL_NAME),
        bytes,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
    journalBytes += bytes.length;
  }

  private void writeBase(Map<String, String> now, long resourceVersion) throws IOException {
    Path temporary = Files.createTempFile(directory, FILE_NAME, ".tmp");
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      out.write("{\"resourceVersion\":\"" + resourceVersion + "\",\"objects\":[");
      boolean first = true;
      for (Map.Entry<String, String> e : now.entrySet()) {
        out.write(first ? "\n" : ",\n");
        first = false;
        out.write("{\"path\":" + quote(e.getKey()) + ",\"object\":" + oneLine(e.getValue()) + "}");
      }
      out.write("\n]}\n");
      if (out instanceof BufferedWriter b) {
        b.flush();
      }
    }
    try {
      Files.move(
          temporary,
          directory.resolve(FILE_NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    }
    // The base now holds everything: the journal's saves are older than its counter.
    Files.deleteIfExists(directory.resolve(JOURNAL_NAME));
    baseBytes = Files.size(directory.resolve(FILE_NAME));
    journalBytes = 0;
  }

  /** Applies the journal's complete saves newer than the base; returns the newest counter. */
  private static long replay(Path journal, Map<String, String> objects, long baseVersion)
      throws IOException {
    long resourceVersion = baseVersion;
    List<JsonNode> batch = new ArrayList<>();
    for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode entry;
      try {
        entry = Json.read(line);
      } catch (RuntimeException torn) {
        break; // the last append was cut short: its save never completed
      }
      if (!entry.has("resourceVersion")) {
        batch.add(entry);
        continue;
      }
      long version = Long.parseLong(entry.path("resourceVersion").asString("0"));
      if (version > baseVersion) {
        for (JsonNode change : batch) {
          String path = change.path("path").asString();
          if (change.path("deleted").asBoolean(false)) {
            objects.remove(path);
          } else {
            objects.put(path, change.path("object").toString());
          }
        }
        resourceVersion = Math.max(resourceVersion, version);
      }
      batch.clear();
    }
    return resourceVersion;
  }

  private static String quote(String text) {
    return StringNode.valueOf(text).toString();
  }

  /** The object as one line of JSON (the store holds compact JSON; anything else is re-written). */
  private static String oneLine(String json) {
    return json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json : Json.read(json).toString();
  }
}
