package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A commit of any size is recorded in one record far below the record limit. */
class CommitObservedTest {

  private static CommitObserved recorded(String message, List<String> paths) {
    return CommitObserved.recorded(
        "src", null, "main", "abc", List.of(), null, null, null, null, message, paths, null, false,
        null, 1);
  }

  @Test
  void aCommitTouchingAMillionFilesListsTheFirstTenThousandAndCountsTheRest() throws Exception {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      paths.add("apps/team-" + (i % 100) + "/config-" + i + ".yaml");
    }

    CommitObserved c = recorded("Generate everything", paths);

    assertThat(c.changedPaths()).hasSize(CommitObserved.MAX_CHANGED_PATHS);
    assertThat(c.changedPaths()).startsWith(paths.get(0), paths.get(1));
    assertThat(c.changedPathsOmitted()).isEqualTo(990_000);
    assertThat(EventJson.mapper().writeValueAsBytes(c).length)
        .isLessThan(Topic.MAX_RECORD_BYTES / 16);
  }

  @Test
  void aHugeMessageIsCutWithANoteOfHowMuchWasLeftOut() {
    String message = "x".repeat(CommitObserved.MAX_MESSAGE_CHARS + 1234);

    CommitObserved c = recorded(message, List.of("a.yaml"));

    assertThat(c.message())
        .startsWith("x".repeat(100))
        .endsWith("[… 1234 more characters not recorded]");
    assertThat(c.changedPathsOmitted()).isZero();
    assertThat(c.changedPaths()).containsExactly("a.yaml");
  }

  @Test
  void anOrdinaryCommitIsRecordedWhole() {
    CommitObserved c = recorded("Bump web\n\nBody", List.of("a.yaml", "b.yaml"));

    assertThat(c.message()).isEqualTo("Bump web\n\nBody");
    assertThat(c.changedPaths()).containsExactly("a.yaml", "b.yaml");
    assertThat(c.changedPathsOmitted()).isZero();
    assertThat(c.sequence()).isEqualTo(1L);
  }
}
