package dev.opsledger.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.PreviewChange;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreviewCommentTest {

  static final Instant T = Instant.parse("2026-11-30T10:00:00.123Z");
  static final ResourceKey WEB = ResourceKey.of("prod", "", "ConfigMap", "shop", "web");

  static PreviewDiffed diffed(List<PreviewChange> changes) {
    return new PreviewDiffed("shop", "", "github", 4, "0123456789abcdef", T, changes);
  }

  @Test
  void itsMarkerNamesTheSourceTheRequestAndTheTimeOfThePreview() {
    String body = PreviewComment.diffed(diffed(List.of()));

    assertThat(PreviewComment.markerOf(body))
        .contains(new PreviewComment.Marker("shop", 4, T, false));
    assertThat(PreviewComment.markerOf("a person's comment")).isEmpty();
    assertThat(body).contains("Merging changes nothing live").contains("`0123456789ab`");
  }

  @Test
  void summarisesPerKindAndShowsEachDiffInDetails() {
    ResourceKey extra = ResourceKey.of("prod", "", "ConfigMap", "shop", "extra");
    PreviewDiffed d =
        diffed(
            List.of(
                new PreviewChange(WEB, PreviewChangeKind.CHANGED, "-  a: 1\n+  a: 2\n"),
                new PreviewChange(extra, PreviewChangeKind.ADDED, ""),
                new PreviewChange(
                    ResourceKey.of("prod", "", "ConfigMap", "shop", "same"),
                    PreviewChangeKind.UNCHANGED,
                    "")));

    assertThat(PreviewComment.summary(d))
        .isEqualTo("1 to add, 1 to change, 0 to prune (1 unchanged)");
    String body = PreviewComment.diffed(d);
    assertThat(body)
        .contains("| `" + WEB + "` | changed |")
        .contains("| `" + extra + "` | added |")
        .doesNotContain("| unchanged |")
        .contains("<details><summary><code>" + WEB + "</code> (changed)</summary>")
        .contains("```diff\n-  a: 1\n+  a: 2\n");
  }

  @Test
  void aLongDiffIsCutAndSaysHowMuchWasLeftOut() {
    String diff = "+ line\n".repeat(PreviewComment.MAX_DIFF_LINES + 50);
    String body =
        PreviewComment.diffed(
            diffed(List.of(new PreviewChange(WEB, PreviewChangeKind.CHANGED, diff))));

    assertThat(body).contains("… 51 more lines");
    assertThat(body.length()).isLessThan(PreviewComment.MAX_BODY);
  }

  @Test
  void aClosedRequestKeepsItsLastPreviewUnderANoteAndAMarkerThatSaysClosed() {
    String open =
        PreviewComment.diffed(
            diffed(List.of(new PreviewChange(WEB, PreviewChangeKind.CHANGED, "+  a: 2\n"))));
    Instant closedAt = T.plusSeconds(60);
    String closed =
        PreviewComment.closed(new PreviewClosed("shop", "", "github", 4, true, closedAt), open);

    assertThat(PreviewComment.markerOf(closed))
        .contains(new PreviewComment.Marker("shop", 4, closedAt, true));
    assertThat(closed)
        .contains("This pull request was merged: the preview stopped")
        .contains("+  a: 2");
    assertThat(closed.split("opsledger-preview source=", -1)).hasSize(2);
  }

  @Test
  void onlyContentAtLeastAsNewReplacesAComment() {
    var marker = new PreviewComment.Marker("shop", 4, T, false);

    assertThat(marker.acceptsContentOf(T)).isTrue();
    assertThat(marker.acceptsContentOf(T.plusMillis(1))).isTrue();
    assertThat(marker.acceptsContentOf(T.minusMillis(1))).isFalse();
  }
}
