package dev.opsledger.notifier.channel;

import dev.opsledger.notifier.notice.Masking;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Makes error texts safe to log and to put into {@code NotificationFailed}: known secrets are
 * replaced, every URL is cut to its scheme and host (a Slack webhook URL is itself the secret), and
 * protected Secret values are masked.
 */
public final class ErrorText {

  private static final Pattern URL =
      Pattern.compile("(https?://)(?:[^/\\s\"'@]*@)?([^/\\s\"']+)[^\\s\"']*");
  private static final int MAX = 300;

  private final List<SecretValue> secrets;

  /** A cleaner for these secrets (nulls are ignored). */
  public ErrorText(List<SecretValue> secrets) {
    this.secrets = secrets.stream().filter(Objects::nonNull).toList();
  }

  /** The text, safe to show; at most 300 characters. */
  public String clean(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (SecretValue s : secrets) {
      if (!s.reveal().isEmpty()) {
        out = out.replace(s.reveal(), "***");
      }
    }
    out = URL.matcher(out).replaceAll("$1$2/***");
    out = Masking.mask(out).replace('\n', ' ').replace('\r', ' ');
    return out.length() > MAX ? out.substring(0, MAX) + "…" : out;
  }
}
