package dev.opsledger.notifier.route;

import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.Severity;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One routing rule: notices that match every given criterion go to the named channels.
 *
 * @param events notice kinds ({@code drift-detected}) or trigger {@code ce_type}s ({@code
 *     dev.opsledger.apply.failed}); empty matches every kind {@linkplain
 *     NoticeKind#routedByDefault() routed by default}
 * @param sources source ids, {@code *} as a wildcard; empty matches all
 * @param targets resource targets, {@code *} as a wildcard; empty matches all (revision-wide
 *     notices have no target and match only an empty list)
 * @param minSeverity the lowest severity that matches
 * @param channels the channels matching notices go to
 */
public record RouteRule(
    List<String> events,
    List<String> sources,
    List<String> targets,
    Severity minSeverity,
    List<String> channels) {

  /** Copies the lists; absent ones match all. */
  public RouteRule {
    events = List.copyOf(events == null ? List.of() : events);
    sources = List.copyOf(sources == null ? List.of() : sources);
    targets = List.copyOf(targets == null ? List.of() : targets);
    minSeverity = minSeverity == null ? Severity.INFO : minSeverity;
    channels = List.copyOf(channels == null ? List.of() : channels);
  }

  /** Whether a notice matches this rule. */
  public boolean matches(Notice notice) {
    return notice.severity().compareTo(minSeverity) >= 0
        && ((events.isEmpty() && notice.kind().routedByDefault())
            || events.contains(notice.kind().label())
            || events.contains(notice.trigger().type().ceType()))
        && anyGlob(sources, notice.sourceId())
        && anyGlob(targets, notice.target());
  }

  private static boolean anyGlob(List<String> globs, String value) {
    if (globs.isEmpty()) {
      return true;
    }
    for (String glob : globs) {
      if (glob(glob).matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(".*");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString());
  }
}
