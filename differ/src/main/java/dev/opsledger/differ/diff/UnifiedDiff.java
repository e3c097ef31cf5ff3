package dev.opsledger.differ.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * A line-based unified diff ({@code diff -u} format) of two texts.
 *
 * <p>Lines are matched by a longest common subsequence over the part between the common prefix and
 * suffix, which for two renderings of the same object is small. Beyond {@value #MAX_CELLS} cells
 * the middle is shown as removed and added whole, which keeps the cost bounded for any input.
 */
final class UnifiedDiff {

  static final int MAX_CELLS = 4_000_000;

  private UnifiedDiff() {}

  private enum Kind {
    SAME(' '),
    REMOVED('-'),
    ADDED('+');

    final char mark;

    Kind(char mark) {
      this.mark = mark;
    }
  }

  private record Line(Kind kind, String text, int oldNo, int newNo) {}

  /**
   * The unified diff from {@code a} to {@code b}, or the empty string when they are equal.
   *
   * @param fromLabel the {@code ---} label
   * @param toLabel the {@code +++} label
   * @param context the number of unchanged lines around each change
   */
  static String of(String fromLabel, String toLabel, List<String> a, List<String> b, int context) {
    List<Line> script = script(a, b);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).kind() == Kind.SAME) {
        i++;
        continue;
      }
      int start = Math.max(0, i - context);
      int end = i;
      // Extend the hunk while the next change is within 2 * context unchanged lines.
      while (true) {
        while (end < script.size() && script.get(end).kind() != Kind.SAME) {
          end++;
        }
        int nextChange = end;
        while (nextChange < script.size() && script.get(nextChange).kind() == Kind.SAME) {
          nextChange++;
        }
        if (nextChange < script.size() && nextChange - end <= 2 * context) {
          end = nextChange;
        } else {
          end = Math.min(script.size(), end + context);
          break;
        }
      }
      if (out.isEmpty()) {
        out.append("--- ").append(fromLabel).append('\n');
        out.append("+++ ").append(toLabel).append('\n');
      }
      appendHunk(out, script.subList(start, end));
      i = end;
    }
    return out.toString();
  }

  private static void appendHunk(StringBuilder out, List<Line> hunk) {
    int oldStart = -1;
    int newStart = -1;
    int oldCount = 0;
    int newCount = 0;
    for (Line line : hunk) {
      if (line.kind() != Kind.ADDED) {
        oldCount++;
        if (oldStart < 0) {
          oldStart = line.oldNo();
        }
      }
      if (line.kind() != Kind.REMOVED) {
        newCount++;
        if (newStart < 0) {
          newStart = line.newNo();
        }
      }
    }
    // An empty range is written as the line before it, as diff -u does.
    if (oldStart < 0) {
      oldStart = hunk.get(0).oldNo() - 1;
    }
    if (newStart < 0) {
      newStart = hunk.get(0).newNo() - 1;
    }
    out.append("@@ -")
        .append(oldStart)
        .append(',')
        .append(oldCount)
        .append(" +")
        .append(newStart)
        .append(',')
        .append(newCount)
        .append(" @@\n");
    for (Line line : hunk) {
      out.append(line.kind().mark).append(line.text()).append('\n');
    }
  }

  /** The edit script, each line numbered (1-based) in the old and new text. */
  private static List<Line> script(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix
        && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<Line> out = new ArrayList<>(a.size() + b.size());
    Numbering n = new Numbering();
    for (int i = 0; i < prefix; i++) {
      n.same(out, a.get(i));
    }
    middle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix), out, n);
    for (int i = a.size() - suffix; i < a.size(); i++) {
      n.same(out, a.get(i));
    }
    return out;
  }

  private static void middle(List<String> a, List<String> b, List<Line> out, Numbering n) {
    int rows = a.size();
    int cols = b.size();
    if ((long) rows * cols > MAX_CELLS) {
      a.forEach(line -> n.removed(out, line));
      b.forEach(line -> n.added(out, line));
      return;
    }
    int[][] lcs = new int[rows + 1][cols + 1];
    for (int i = rows - 1; i >= 0; i--) {
      for (int j = cols - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < rows && j < cols) {
      if (a.get(i).equals(b.get(j))) {
        n.same(out, a.get(i));
        i++;
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
        n.removed(out, a.get(i++));
      } else {
        n.added(out, b.get(j++));
      }
    }
    while (i < rows) {
      n.removed(out, a.get(i++));
    }
    while (j < cols) {
      n.added(out, b.get(j++));
    }
  }

  /** Counts lines on both sides while the script is written. */
  private static final class Numbering {
    private int oldNo = 1;
    private int newNo = 1;

    void same(List<Line> out, String text) {
      out.add(new Line(Kind.SAME, text, oldNo++, newNo++));
    }

    void removed(List<Line> out, String text) {
      out.add(new Line(Kind.REMOVED, text, oldNo++, newNo));
    }

    void added(List<Line> out, String text) {
      out.add(new Line(Kind.ADDED, text, oldNo, newNo++));
    }
  }
}
