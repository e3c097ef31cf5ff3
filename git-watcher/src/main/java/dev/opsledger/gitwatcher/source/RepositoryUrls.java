package dev.opsledger.gitwatcher.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classifies, redacts and compares repository URLs. Pure. */
public final class RepositoryUrls {

  /** How a repository is reached. */
  public enum Kind {
    /** {@code https://} (or {@code http://}, refused by validation). */
    HTTPS,
    /** {@code ssh://} or scp-style {@code user@host:path}. */
    SSH,
    /** {@code file://} or a plain local path. */
    LOCAL
  }

  private static final Pattern SCP = Pattern.compile("^(?:([^@/]+)@)?([^:/]+):(?!//)(.+)$");

  private RepositoryUrls() {}

  /**
   * The kind of a URL.
   *
   * @return empty when the URL is of no kind OpsLedger supports (e.g. {@code git://}, {@code
   *     http://})
   */
  public static Optional<Kind> classify(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      return Optional.of(Kind.HTTPS);
    }
    if (lower.startsWith("ssh://")) {
      return Optional.of(Kind.SSH);
    }
    if (lower.startsWith("file:")) {
      return Optional.of(Kind.LOCAL);
    }
    if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
      return Optional.empty();
    }
    if (isWindowsPath(url) || url.startsWith("/") || url.startsWith(".")) {
      return Optional.of(Kind.LOCAL);
    }
    if (SCP.matcher(url).matches()) {
      return Optional.of(Kind.SSH);
    }
    return Optional.of(Kind.LOCAL);
  }

  /**
   * Whether the URL carries a credential: any user info of an {@code https://} URL (a bare token is
   * often given as the user name), a password in an {@code ssh://} URL, or a query string of an
   * {@code https://} URL (e.g. {@code ?private_token=}). An SSH user name ({@code git@}) is not
   * one.
   */
  public static boolean hasCredentials(String url) {
    return url != null && !redact(url).equals(url);
  }

  /** The URL with any user info removed: safe for events and logs. */
  public static String redact(String url) {
    if (url == null) {
      return "";
    }
    String lower = url.toLowerCase(Locale.ROOT);
    int query = url.indexOf('?');
    if (query >= 0 && (lower.startsWith("https://") || lower.startsWith("http://"))) {
      // A query string can carry a token (e.g. ?private_token=...): never shown.
      return redact(url.substring(0, query));
    }
    if (lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("ssh://")) {
      int scheme = url.indexOf("://") + 3;
      int slash = url.indexOf('/', scheme);
      int at = url.lastIndexOf('@', slash < 0 ? url.length() : slash);
      if (at > scheme) {
        String user = url.substring(scheme, at);
        // Keep an ssh user name (e.g. git@), which is not a secret; drop anything with a password.
        if (lower.startsWith("ssh://") && !user.contains(":")) {
          return url;
        }
        return url.substring(0, scheme) + url.substring(at + 1);
      }
    }
    return url;
  }

  /**
   * A form for comparing a webhook's repository URL with a source's: host and path, lowercase, no
   * scheme, user, port, {@code .git} suffix or trailing slash; local URLs become absolute paths.
   */
  public static String comparable(String url) {
    if (url == null || url.isBlank()) {
      return "";
    }
    Kind kind = classify(url).orElse(null);
    String out;
    if (kind == Kind.LOCAL) {
      out = localPath(url).toString();
    } else if (url.contains("://")) {
      try {
        URI uri = new URI(url);
        out =
            (uri.getHost() == null ? "" : uri.getHost())
                + (uri.getPath() == null ? "" : uri.getPath());
      } catch (URISyntaxException e) {
        out = url.substring(url.indexOf("://") + 3);
      }
    } else {
      Matcher m = SCP.matcher(url);
      out = m.matches() ? m.group(2) + "/" + m.group(3) : url;
    }
    out = out.toLowerCase(Locale.ROOT);
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    if (out.endsWith(".git")) {
      out = out.substring(0, out.length() - 4);
    }
    return out;
  }

  /** The local path of a {@code file:} URL or plain path, absolute and normalised. */
  public static Path localPath(String url) {
    if (url.toLowerCase(Locale.ROOT).startsWith("file:")) {
      try {
        return Path.of(new URI(url)).toAbsolutePath().normalize();
      } catch (URISyntaxException | IllegalArgumentException e) {
        return Path.of(url.substring("file:".length()).replaceFirst("^//", "")).toAbsolutePath();
      }
    }
    return Path.of(url).toAbsolutePath().normalize();
  }

  private static boolean isWindowsPath(String url) {
    return url.length() > 2
        && Character.isLetter(url.charAt(0))
        && url.charAt(1) == ':'
        && (url.charAt(2) == '\\' || url.charAt(2) == '/');
  }
}
