package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Revisions are ordered as the git-watcher recorded them, never by their dates. */
class DesiredBookTest {

  static final ResourceKey KEY = ResourceKey.of("prod", "", "ConfigMap", "shop", "cfg");
  static final Instant EARLY = Instant.parse("2026-11-01T09:00:00Z");
  static final Instant LATE = Instant.parse("2026-11-01T10:00:00Z");

  final DesiredBook book = new DesiredBook();

  static DesiredStateChanged changed(String revision, Instant at, Long sequence) {
    return new DesiredStateChanged(
        KEY,
        "src",
        revision,
        "cfg.yaml",
        "sha256:" + revision,
        EventJson.mapper().createObjectNode().put("kind", "ConfigMap"),
        null,
        at,
        null,
        sequence);
  }

  @Test
  void aBackdatedRevisionRecordedLaterIsTheNewest() {
    assertThat(book.changed(changed("c1", LATE, 1L))).isTrue();
    assertThat(book.changed(changed("c2", EARLY, 2L))).isTrue();

    DesiredView view = book.view(KEY);
    assertThat(view.newestRevision()).isEqualTo("c2");
    assertThat(view.isOlder("c1")).isTrue();
    assertThat(view.isOlder("c2")).isFalse();
  }

  @Test
  void aRewindToAKnownRevisionMakesItTheNewestAgain() {
    book.changed(changed("c1", EARLY, 1L));
    book.changed(changed("c2", LATE, 2L));

    assertThat(book.changed(changed("c1", EARLY, 3L))).isTrue();

    DesiredView view = book.view(KEY);
    assertThat(view.newestRevision()).isEqualTo("c1");
    assertThat(view.isOlder("c2")).isTrue();
    assertThat(view.isOlder("c1")).isFalse();
  }

  @Test
  void aRedeliveredOrEarlierRecordingChangesNothingButIsKnown() {
    book.changed(changed("c3", EARLY, 3L));

    assertThat(book.changed(changed("c3", EARLY, 3L))).isFalse();
    assertThat(book.changed(changed("c2", LATE, 2L))).isFalse();
    assertThat(
            book.removed(
                new DesiredStateRemoved(KEY, "src", "c1", "cfg.yaml", null, LATE, null, 1L)))
        .isFalse();

    DesiredView view = book.view(KEY);
    assertThat(view.newestRevision()).isEqualTo("c3");
    assertThat(view.removed()).isFalse();
    assertThat(view.knows("c2")).isTrue();
    assertThat(view.isOlder("c2")).isTrue();
  }

  @Test
  void eventsWrittenBeforeSequencesKeepTheirArrivalOrderBelowSequencedOnes() {
    assertThat(book.changed(changed("old1", LATE, null))).isTrue();
    assertThat(book.changed(changed("old2", EARLY, null))).isTrue();
    assertThat(book.changed(changed("old1", LATE, null))).isFalse();
    assertThat(book.view(KEY).newestRevision()).isEqualTo("old2");

    assertThat(book.changed(changed("new", EARLY, 1L))).isTrue();
    assertThat(book.changed(changed("old3", LATE, null))).isFalse();

    assertThat(book.view(KEY).newestRevision()).isEqualTo("new");
    assertThat(book.view(KEY).isOlder("old3")).isTrue();
  }
}
