package dev.opsledger.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where {@code opsledger up} takes the credentials of an HTTPS {@code --repo} from: never the URL.
 * A URL with a user name or password in it is refused (the URL is printed, kept in the Git cache's
 * config, and named in events), with a hint to use instead, as git does:
 *
 * <ul>
 *   <li>environment variables: {@code OPSLEDGER_GIT_TOKEN} (with {@code OPSLEDGER_GIT_USERNAME}
 *       when the host needs one), or {@code OPSLEDGER_GIT_USERNAME} and {@code
 *       OPSLEDGER_GIT_PASSWORD};
 *   <li>a credential file in the format of git's {@code credential-store} ({@code
 *       ~/.git-credentials}): one {@code https://user:token@host[/path]} per line, percent-encoded,
 *       the first line whose host (and path, when it has one) matches the repository wins.
 * </ul>
 *
 * The environment wins over the file.
 */
final class RepoCredentials {

  static final String USERNAME_ENV = "OPSLEDGER_GIT_USERNAME";
  static final String PASSWORD_ENV = "OPSLEDGER_GIT_PASSWORD";
  static final String TOKEN_ENV = "OPSLEDGER_GIT_TOKEN";

  private static final Pattern USER_INFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@");
  private static final String AUTH = "opsledger.git-watcher.sources[0].auth.";

  private RepoCredentials() {}

  /**
   * Refuses a URL that carries credentials, naming it without them.
   *
   * @throws CliException with exit code 2 and where to put the credentials instead
   */
  static void refuseInUrl(String repo) {
    if (repo == null || !USER_INFO.matcher(repo).find()) {
      return;
    }
    int start = repo.indexOf("://") + 3;
    int slash = repo.indexOf('/', start);
    int at = repo.lastIndexOf('@', slash < 0 ? repo.length() : slash);
    if (repo.toLowerCase(Locale.ROOT).startsWith("ssh://")
        && !repo.substring(start, at).contains(":")) {
      return; // an SSH user name (git@) is not a secret
    }
    String bare = repo.substring(0, start) + repo.substring(at + 1);
    throw new CliException(
        ExitCodes.USAGE,
        "--repo "
            + bare
            + ": the URL carries credentials, which would be printed and stored; give them as"
            + " git does instead: "
            + TOKEN_ENV
            + " (and "
            + USERNAME_ENV
            + "), or "
            + USERNAME_ENV
            + " and "
            + PASSWORD_ENV
            + ", or --git-credentials-file FILE with a line https://user:token@host");
  }

  /** The git-watcher's auth properties for an HTTPS repository, or none. */
  static Map<String, Object> properties(String repo, Map<String, String> env, Path file) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (repo == null || !repo.toLowerCase(Locale.ROOT).startsWith("https://")) {
      return p;
    }
    String user = blankToNull(env.get(USERNAME_ENV));
    String token = blankToNull(env.get(TOKEN_ENV));
    String password = blankToNull(env.get(PASSWORD_ENV));
    if (token == null && password == null && file != null) {
      String[] fromFile = fromFile(repo, file);
      if (fromFile != null) {
        user = fromFile[0];
        password = fromFile[1];
      }
    }
    if (token != null) {
      p.put(AUTH + "token", token);
      if (user != null) {
        p.put(AUTH + "username", user);
      }
    } else if (password != null) {
      if (user == null) {
        throw new CliException(ExitCodes.USAGE, PASSWORD_ENV + " needs " + USERNAME_ENV);
      }
      p.put(AUTH + "username", user);
      p.put(AUTH + "password", password);
    }
    return p;
  }

  private static String[] fromFile(String repo, Path file) {
    URI target = URI.create(repo);
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        URI entry;
        try {
          entry = URI.create(line);
        } catch (IllegalArgumentException e) {
          continue; // git skips lines it cannot parse too; never echo one: it holds a secret
        }
        String raw = entry.getRawUserInfo();
        if (raw == null
            || !"https".equalsIgnoreCase(entry.getScheme())
            || entry.getHost() == null
            || !entry.getHost().equalsIgnoreCase(target.getHost())
            || entry.getPort() != target.getPort()
            || !pathMatches(entry.getPath(), target.getPath())) {
          continue;
        }
        int colon = raw.indexOf(':');
        String user =
            URLDecoder.decode(colon < 0 ? raw : raw.substring(0, colon), StandardCharsets.UTF_8);
        String secret =
            colon < 0 ? null : URLDecoder.decode(raw.substring(colon + 1), StandardCharsets.UTF_8);
        return secret == null ? null : new String[] {user, secret};
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the git credentials file " + file, e);
    }
  }

  private static boolean pathMatches(String entryPath, String repoPath) {
    if (entryPath == null || entryPath.isEmpty() || entryPath.equals("/")) {
      return true;
    }
    String p = repoPath == null ? "" : repoPath;
    return p.equals(entryPath)
        || p.startsWith(entryPath.endsWith("/") ? entryPath : entryPath + "/")
        || p.equals(entryPath + ".git");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
