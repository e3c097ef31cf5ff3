package dev.opsledger.notifier.route;

import dev.opsledger.notifier.notice.Masking;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * Message templates: per notice kind a title and a text with {@code {placeholder}} slots filled
 * from {@link Notice#values()}. A placeholder without a value is left as written, so a typo shows
 * in the message instead of silently vanishing. Users override any template in configuration; the
 * result is masked again, so even a template cannot put a protected Secret value into a message.
 */
public final class Templates {

  /**
   * A title and a text.
   *
   * @param title one line: Slack header, webhook-free summary
   * @param text the body (Slack mrkdwn); for commit statuses, the description
   */
  public record Template(String title, String text) {}

  private static final Map<NoticeKind, Template> DEFAULTS = new EnumMap<>(NoticeKind.class);

  static {
    // Chat channels get the digest's notices: a drift with its outcome, a failure that outlived its
    // grace period, the end of either; webhooks carry the event itself and no template.
    DEFAULTS.put(
        NoticeKind.DRIFT_DETECTED,
        new Template(
            "Drift: {shortName} {headline}",
            "*{resource}* {outcome}.\nDeclared at revision `{shortRevision}` of `{source}`."));
    DEFAULTS.put(
        NoticeKind.CONVERGED,
        new Template("In sync again: {shortName}", "*{resource}* {outcome}."));
    DEFAULTS.put(
        NoticeKind.APPLY_FAILED,
        new Template(
            "Apply failing: {shortName}",
            "Applying revision `{shortRevision}` to *{resource}* has failed {attempt} time(s)"
                + " since {since}: *{reason}* {message}\n{retry}"));
    DEFAULTS.put(
        NoticeKind.COMMIT_REJECTED,
        new Template(
            "Commit rejected: {shortRevision} on {source}",
            "Commit `{revision}` on `{branch}` was rejected with {errorCount} error(s);"
                + " revision `{lastGoodRevision}` stays in force.\n{errors}"));
    DEFAULTS.put(
        NoticeKind.APPROVAL_NEEDED,
        new Template(
            "Approval needed: {shortName}",
            "Revision `{shortRevision}` of `{source}` changes *{resource}* and waits for a manual"
                + " sync. {detail}"));
    DEFAULTS.put(
        NoticeKind.COMMIT_STATUS, new Template("OpsLedger: {state}", "OpsLedger: {summary}"));
    DEFAULTS.put(
        NoticeKind.PRUNE_HELD,
        new Template(
            "Prunes held: {shortRevision} on {source}",
            "Revision `{revision}` of `{source}` removes {removals} of its {declaredBefore}"
                + " resources. Nothing is deleted until the source and revision are approved"
                + " (`opsledger sync --all`)."));
    DEFAULTS.put(
        NoticeKind.RESOURCE_DEGRADED,
        new Template(
            "Degraded: {shortName}",
            "*{resource}* is Degraded (was {previousHealth}): {message} ({reason})"));
    DEFAULTS.put(
        NoticeKind.FIELDS_CONFLICTED,
        new Template(
            "Field conflict: {shortName}",
            "Applying revision `{shortRevision}` to *{resource}* {outcome}: {fields}"));
    DEFAULTS.put(
        NoticeKind.COMMIT_SETTLED,
        new Template(
            "{outcome}: {shortRevision} on {source}",
            "*{message}* by {author}{pullRequest}\n{counts} · {convergedIn}\n{details}{diffs}"
                + "Timeline: `{timeline}`"));
    DEFAULTS.put(
        NoticeKind.NOTICES_FOLDED,
        new Template(
            "{count} more notices folded on {channel}",
            "Over this channel's storm limit within {window}: {counts}. Each one is recorded on"
                + " the log as `NotificationFolded`: `opsledger replay --topic"
                + " opsledger.notifications`."));
  }

  private final Map<NoticeKind, Template> templates;

  /** The built-in templates with the given overrides (a null title or text keeps the default). */
  public Templates(Map<NoticeKind, Template> overrides) {
    templates = new EnumMap<>(DEFAULTS);
    overrides.forEach(
        (kind, t) -> {
          Template d = DEFAULTS.get(kind);
          templates.put(
              kind,
              new Template(
                  t.title() == null || t.title().isBlank() ? d.title() : t.title(),
                  t.text() == null || t.text().isBlank() ? d.text() : t.text()));
        });
  }

  /** The built-in templates. */
  public static Templates defaults() {
    return new Templates(Map.of());
  }

  /** The notice's title. */
  public String title(Notice notice) {
    return render(templates.get(notice.kind()).title(), notice.values());
  }

  /** The notice's text. */
  public String text(Notice notice) {
    return render(templates.get(notice.kind()).text(), notice.values());
  }

  /** The notice's title with every value passed through {@code escape} (the template is not). */
  public String title(Notice notice, java.util.function.UnaryOperator<String> escape) {
    return render(templates.get(notice.kind()).title(), escaped(notice, escape));
  }

  /** The notice's text with every value passed through {@code escape} (the template is not). */
  public String text(Notice notice, java.util.function.UnaryOperator<String> escape) {
    return render(templates.get(notice.kind()).text(), escaped(notice, escape));
  }

  private static Map<String, String> escaped(
      Notice notice, java.util.function.UnaryOperator<String> escape) {
    Map<String, String> out = new java.util.HashMap<>();
    notice.values().forEach((k, v) -> out.put(k, v == null ? null : escape.apply(v)));
    return out;
  }

  /**
   * Fills {@code {name}} placeholders from values; unknown placeholders stay as written; the result
   * is masked.
   */
  public static String render(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = open < 0 ? -1 : template.indexOf('}', open + 1);
      if (open < 0 || close < 0) {
        out.append(template, i, template.length());
        break;
      }
      out.append(template, i, open);
      String name = template.substring(open + 1, close);
      String value = values.get(name);
      out.append(value != null ? value : template.substring(open, close + 1));
      i = close + 1;
    }
    return Masking.mask(out.toString());
  }
}
