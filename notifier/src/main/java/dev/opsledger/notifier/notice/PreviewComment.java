package dev.opsledger.notifier.notice;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.PreviewChange;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRejected;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one comment a pull request gets about its preview, as Markdown: a hidden marker (to find it
 * again after a restart, and to refuse an older preview over a newer one), counts per kind of
 * change, a table per resource, and each diff in a {@code <details>} block. Pure; every text that
 * came from a manifest is masked ({@link Masking}) and cannot break out of its code fence.
 */
public final class PreviewComment {

  /** GitHub refuses comments over 65,536 characters; GitLab notes allow 1,000,000. */
  static final int MAX_BODY = 60_000;

  /** Lines of one resource's diff shown; the rest is summarised. */
  static final int MAX_DIFF_LINES = 200;

  private static final Pattern MARKER =
      Pattern.compile(
          "<!-- opsledger-preview source=(\\S+) number=(\\d+) at=(\\d+) state=(open|closed) -->");

  private PreviewComment() {}

  /**
   * What a comment's marker says.
   *
   * @param sourceId the source
   * @param number the request
   * @param at when the comment's content was produced (render or close time)
   * @param closed whether the preview was stopped
   */
  public record Marker(String sourceId, long number, Instant at, boolean closed) {

    /** The marker as written in the comment. */
    public String text() {
      return "<!-- opsledger-preview source="
          + sourceId
          + " number="
          + number
          + " at="
          + at.toEpochMilli()
          + " state="
          + (closed ? "closed" : "open")
          + " -->";
    }

    /** Whether content produced at {@code time} may replace this comment's: not older. */
    public boolean acceptsContentOf(Instant time) {
      return !time.isBefore(at);
    }
  }

  /** The marker of a comment body, if it is one of OpsLedger's previews. */
  public static Optional<Marker> markerOf(String body) {
    if (body == null) {
      return Optional.empty();
    }
    Matcher m = MARKER.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Marker(
            m.group(1),
            Long.parseLong(m.group(2)),
            Instant.ofEpochMilli(Long.parseLong(m.group(3))),
            m.group(4).equals("closed")));
  }

  /** Counts per kind of change. */
  public static Map<PreviewChangeKind, Integer> counts(PreviewDiffed d) {
    Map<PreviewChangeKind, Integer> counts = new EnumMap<>(PreviewChangeKind.class);
    for (PreviewChangeKind k : PreviewChangeKind.values()) {
      counts.put(k, 0);
    }
    for (PreviewChange c : d.changes()) {
      counts.merge(c.change(), 1, Integer::sum);
    }
    return counts;
  }

  /** One line: "2 to add, 1 to change, 1 to prune (3 unchanged)", for a commit status too. */
  public static String summary(PreviewDiffed d) {
    Map<PreviewChangeKind, Integer> n = counts(d);
    String s =
        n.get(PreviewChangeKind.ADDED)
            + " to add, "
            + n.get(PreviewChangeKind.CHANGED)
            + " to change, "
            + n.get(PreviewChangeKind.PRUNED)
            + " to prune";
    if (n.get(PreviewChangeKind.FAILED) > 0) {
      s += ", " + n.get(PreviewChangeKind.FAILED) + " cannot be compared";
    }
    return s + " (" + n.get(PreviewChangeKind.UNCHANGED) + " unchanged)";
  }

  /** The body for a request's diffed head. */
  public static String diffed(PreviewDiffed d) {
    StringBuilder b = new StringBuilder();
    b.append(new Marker(d.sourceId(), d.number(), d.renderedAt(), false).text()).append('\n');
    b.append("### OpsLedger preview of `")
        .append(shortSha(d.headSha()))
        .append("` (source `")
        .append(inline(d.sourceId()))
        .append("`)\n\n");
    b.append("**").append(summary(d)).append("** against the live state.\n\n");
    List<PreviewChange> shown =
        d.changes().stream().filter(c -> c.change() != PreviewChangeKind.UNCHANGED).toList();
    if (shown.isEmpty()) {
      b.append("Merging changes nothing live.\n");
    } else {
      b.append("| resource | change |\n| --- | --- |\n");
      for (PreviewChange c : shown) {
        b.append("| `")
            .append(inline(c.resource().toString()))
            .append("` | ")
            .append(word(c.change()))
            .append(" |\n");
      }
      b.append('\n');
      for (PreviewChange c : shown) {
        if (c.detail().isBlank()) {
          continue;
        }
        String block = details(c);
        if (b.length() + block.length() > MAX_BODY - 200) {
          b.append("\n_More details were left out: `opsledger diff` shows them all._\n");
          break;
        }
        b.append(block);
      }
    }
    b.append("\n<sub>Updated on every push; nothing is applied before merge.</sub>\n");
    return b.toString();
  }

  /** The body for a request whose head does not validate. */
  public static String rejected(PreviewRejected r) {
    StringBuilder b = new StringBuilder();
    b.append(new Marker(r.sourceId(), r.number(), r.renderedAt(), false).text()).append('\n');
    b.append("### OpsLedger preview of `")
        .append(shortSha(r.headSha()))
        .append("` (source `")
        .append(inline(r.sourceId()))
        .append("`)\n\n");
    b.append("**The manifests do not validate**: merged, this commit would be rejected whole.\n\n");
    b.append("```text\n");
    for (ManifestError e : r.errors()) {
      b.append(fenced(Masking.mask(e.toString()))).append('\n');
    }
    b.append("```\n");
    return b.toString();
  }

  /** The body of a closed request: the last preview, marked closed, under a note saying so. */
  public static String closed(PreviewClosed c, String previousBody) {
    String rest = previousBody == null ? "" : MARKER.matcher(previousBody).replaceFirst("").strip();
    return new Marker(c.sourceId(), c.number(), c.closedAt(), true).text()
        + "\n> **This pull request was "
        + (c.merged() ? "merged" : "closed")
        + ": the preview stopped** (no more updates).\n\n"
        + rest
        + "\n";
  }

  private static String details(PreviewChange c) {
    String[] lines = Masking.mask(c.detail()).split("\n", -1);
    StringBuilder d = new StringBuilder();
    d.append("<details><summary><code>")
        .append(html(c.resource().toString()))
        .append("</code> (")
        .append(word(c.change()))
        .append(")</summary>\n\n```")
        .append(c.change() == PreviewChangeKind.CHANGED ? "diff" : "text")
        .append('\n');
    int n = Math.min(lines.length, MAX_DIFF_LINES);
    for (int i = 0; i < n; i++) {
      d.append(fenced(lines[i])).append('\n');
    }
    if (lines.length > MAX_DIFF_LINES) {
      d.append("… ").append(lines.length - MAX_DIFF_LINES).append(" more lines\n");
    }
    d.append("```\n\n</details>\n");
    return d.toString();
  }

  private static String word(PreviewChangeKind k) {
    return switch (k) {
      case ADDED -> "added";
      case CHANGED -> "changed";
      case UNCHANGED -> "unchanged";
      case PRUNED -> "pruned";
      case FAILED -> "cannot be compared";
    };
  }

  private static String shortSha(String sha) {
    return inline(sha.length() > 12 ? sha.substring(0, 12) : sha);
  }

  /** A line inside a code fence cannot close it. */
  private static String fenced(String line) {
    return line.replace("```", "`\u200b``");
  }

  /** Text inside inline code or a table cell. */
  private static String inline(String text) {
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ");
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
