package dev.opsledger.sandbox.kubernetes;

import dev.opsledger.sandbox.kubernetes.CrudStore.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's objects on disk: one JSON file, {@code objects.json}, in a directory of the
 * caller's choice, replaced atomically on every save so that a crash leaves the previous state.
 *
 * <p>Format: {@code {"resourceVersion": "<counter>", "objects": [{"path": "<item URL path>",
 * "object": {...}}]}}. The path keeps the resource plural, which the object alone does not tell for
 * custom resources.
 */
final class DirectoryPersistence {

  static final String FILE_NAME = "objects.json";

  /** What is saved: the resourceVersion counter and the objects. */
  record Snapshot(long resourceVersion, List<StoredObject> objects) {}

  private final Path directory;

  DirectoryPersistence(Path directory) {
    this.directory = directory;
  }

  /** The saved state, or empty when the directory holds none yet. */
  Optional<Snapshot> load() {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = Json.read(Files.readString(file));
      List<StoredObject> objects = new ArrayList<>();
      for (JsonNode entry : root.path("objects")) {
        objects.add(
            new StoredObject(entry.path("path").asString(), entry.path("object").toString()));
      }
      return Optional.of(
          new Snapshot(Long.parseLong(root.path("resourceVersion").asString("0")), objects));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the saved state. */
  void save(Snapshot snapshot) {
    ObjectNode root = Json.object();
    root.put("resourceVersion", Long.toString(snapshot.resourceVersion()));
    ArrayNode objects = root.putArray("objects");
    for (StoredObject object : snapshot.objects()) {
      ObjectNode entry = objects.addObject();
      entry.put("path", object.path());
      entry.set("object", CrudStore.parse(object.json()));
    }
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, FILE_NAME, ".tmp");
      Files.writeString(temporary, Json.pretty(root), StandardCharsets.UTF_8);
      try {
        Files.move(
            temporary,
            directory.resolve(FILE_NAME),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(FILE_NAME), e);
    }
  }
}
