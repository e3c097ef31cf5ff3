package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.notifier.notice.Masking;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.route.Templates;

/**
 * Builds Slack Block Kit messages: a header (the title), a section (the text), a fields section
 * (resource, revision, source, severity), the masked diff excerpt as a code block for drift, and a
 * context line with the event id and a link. Pure.
 *
 * <p>Every value that comes from outside (a commit message, an author, a resource name, a diff, an
 * API error) has {@code &}, {@code <} and {@code >} escaped as Slack asks, so it cannot mention
 * {@code <!channel>}, forge a {@code <link|label>} or break the formatting. Only the templates' own
 * markup and the link OpsLedger builds stay live.
 */
public final class SlackMessages {

  /** Slack's limit for a section's text. */
  static final int MAX_SECTION = 3_000;

  /** Slack's limit for a header's text. */
  static final int MAX_HEADER = 150;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SlackMessages() {}

  /** The message for a notice. */
  public static ObjectNode message(Notice notice, Templates templates, String link) {
    String title = templates.title(notice);
    ObjectNode root = JSON.objectNode();
    // The fallback text is shown in notifications and parsed like mrkdwn.
    root.put("text", cut(templates.title(notice, SlackMessages::escape), MAX_SECTION));
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", cut(title, MAX_HEADER));
    section(blocks, templates.text(notice, SlackMessages::escape));
    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    field(fields, "Resource", notice.value("resource"));
    field(fields, "Revision", notice.value("shortRevision"));
    field(fields, "Source", notice.value("source"));
    field(fields, "Severity", notice.severity().label());
    if (notice.kind() == NoticeKind.DRIFT_DETECTED && !notice.value("diff").isEmpty()) {
      section(blocks, "```" + escape(notice.value("diff")).replace("```", "'''") + "```");
    }
    ObjectNode context = blocks.addObject().put("type", "context");
    String line = "event `" + escape(notice.trigger().id()) + "` · " + escape(notice.value("time"));
    if (link != null && !link.isEmpty()) {
      line += " · <" + link + "|details>";
    }
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", line);
    return root;
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    ObjectNode s = blocks.addObject().put("type", "section");
    s.putObject("text").put("type", "mrkdwn").put("text", cut(Masking.mask(mrkdwn), MAX_SECTION));
  }

  private static void field(ArrayNode fields, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n`" + escape(value) + "`");
  }

  /** Slack's escaping for text it parses: only these three characters. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
