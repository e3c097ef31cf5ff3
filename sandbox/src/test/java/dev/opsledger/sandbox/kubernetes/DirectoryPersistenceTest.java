package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.sandbox.kubernetes.CrudStore.StoredObject;
import dev.opsledger.sandbox.kubernetes.DirectoryPersistence.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryPersistenceTest {

  @TempDir Path dir;

  @Test
  void aSaveAppendsOnlyTheObjectsThatChanged() throws IOException {
    DirectoryPersistence persistence = new DirectoryPersistence(dir);
    List<StoredObject> objects = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      objects.add(object("cm-" + i, "1"));
    }
    persistence.save(new Snapshot(10, objects));
    objects.set(7, object("cm-7", "2"));
    objects.remove(3);

    persistence.save(new Snapshot(11, objects));

    List<String> journal = Files.readAllLines(dir.resolve(DirectoryPersistence.JOURNAL_NAME));
    assertThat(journal)
        .containsExactly(
            "{\"path\":\"/api/v1/namespaces/n/configmaps/cm-3\",\"deleted\":true}",
            "{\"path\":\"/api/v1/namespaces/n/configmaps/cm-7\",\"object\":"
                + object("cm-7", "2").json()
                + "}",
            "{\"resourceVersion\":\"11\"}");
    Snapshot loaded = new DirectoryPersistence(dir).load().orElseThrow();
    assertThat(loaded.resourceVersion()).isEqualTo(11);
    assertThat(loaded.objects()).containsExactlyInAnyOrderElementsOf(objects);
  }

  @Test
  void aSaveCutShortByACrashIsIgnoredAndThePreviousStateLoads() throws IOException {
    DirectoryPersistence persistence = new DirectoryPersistence(dir);
    List<StoredObject> first = List.of(object("a", "1"), object("b", "1"));
    persistence.save(new Snapshot(5, first));
    persistence.save(new Snapshot(6, List.of(object("a", "2"), object("b", "1"))));
    Files.writeString(
        dir.resolve(DirectoryPersistence.JOURNAL_NAME),
        "{\"path\":\"/api/v1/namespaces/n/configmaps/b\",\"deleted\":true}\n{\"path\":\"/api/v1/na",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    Snapshot loaded = new DirectoryPersistence(dir).load().orElseThrow();

    assertThat(loaded.resourceVersion()).isEqualTo(6);
    assertThat(loaded.objects()).containsExactlyInAnyOrder(object("a", "2"), object("b", "1"));
  }

  @Test
  void compactingFoldsTheJournalIntoTheBaseFile() throws IOException {
    DirectoryPersistence persistence = new DirectoryPersistence(dir);
    persistence.save(new Snapshot(1, List.of(object("a", "1"))));
    persistence.save(new Snapshot(2, List.of(object("a", "2"), object("b", "1"))));

    persistence.compact(new Snapshot(3, List.of(object("a", "2"), object("b", "1"))));

    assertThat(dir.resolve(DirectoryPersistence.JOURNAL_NAME)).doesNotExist();
    Snapshot loaded = new DirectoryPersistence(dir).load().orElseThrow();
    assertThat(loaded.resourceVersion()).isEqualTo(3);
    assertThat(loaded.objects()).containsExactlyInAnyOrder(object("a", "2"), object("b", "1"));
  }

  @Test
  void aJournalSaveOlderThanTheBaseIsNotReplayedOverIt() throws IOException {
    DirectoryPersistence persistence = new DirectoryPersistence(dir);
    persistence.save(new Snapshot(1, List.of(object("a", "1"))));
    persistence.save(new Snapshot(2, List.of(object("a", "2"))));
    String staleJournal =
        Files.readString(dir.resolve(DirectoryPersistence.JOURNAL_NAME), StandardCharsets.UTF_8);
    // A crash after the new base was written and before the journal was deleted.
    persistence.compact(new Snapshot(3, List.of(object("a", "3"))));
    Files.writeString(dir.resolve(DirectoryPersistence.JOURNAL_NAME), staleJournal);

    Snapshot loaded = new DirectoryPersistence(dir).load().orElseThrow();

    assertThat(loaded.objects()).containsExactly(object("a", "3"));
  }

  private static StoredObject object(String name, String value) {
    return new StoredObject(
        "/api/v1/namespaces/n/configmaps/" + name,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\"n\"},\"data\":{\"v\":\""
            + value
            + "\"}}");
  }
}
