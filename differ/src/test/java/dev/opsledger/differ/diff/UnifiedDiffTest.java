package dev.opsledger.differ.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

  @Test
  void equalTextsHaveAnEmptyDiff() {
    assertThat(UnifiedDiff.of("a", "b", List.of("x", "y"), List.of("x", "y"), 3)).isEmpty();
  }

  @Test
  void aChangedLineIsShownWithThreeLinesOfContext() {
    List<String> a = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");
    List<String> b = List.of("1", "2", "3", "4", "five", "6", "7", "8", "9");

    assertThat(UnifiedDiff.of("live", "desired", a, b, 3))
        .isEqualTo(
            """
            --- live
            +++ desired
            @@ -2,7 +2,7 @@
             2
             3
             4
            -5
            +five
             6
             7
             8
            """);
  }

  @Test
  void distantChangesMakeSeparateHunksAndCloseOnesOne() {
    List<String> a = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      a.add(Integer.toString(i));
    }
    List<String> b = new ArrayList<>(a);
    b.set(1, "two");
    b.set(4, "five");
    b.set(17, "eighteen");

    String diff = UnifiedDiff.of("a", "b", a, b, 2);

    assertThat(diff).contains("@@ -1,7 +1,7 @@").contains("@@ -16,5 +16,5 @@");
    assertThat(diff.lines().filter(l -> l.startsWith("@@"))).hasSize(2);
  }

  @Test
  void insertionsAndDeletionsAreCountedOnTheirOwnSide() {
    String diff = UnifiedDiff.of("a", "b", List.of("x", "y", "z"), List.of("x", "new", "y"), 1);

    assertThat(diff)
        .isEqualTo(
            """
            --- a
            +++ b
            @@ -1,3 +1,3 @@
             x
            +new
             y
            -z
            """);
  }

  @Test
  void aHugeMiddleIsShownAsReplacedWholeInsteadOfExhaustingMemory() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      a.add("a" + i);
      b.add("b" + i);
    }

    String diff = UnifiedDiff.of("a", "b", a, b, 3);

    assertThat(diff.lines().filter(l -> l.startsWith("-"))).hasSize(3001);
    assertThat(diff.lines().filter(l -> l.startsWith("+"))).hasSize(3001);
  }
}
