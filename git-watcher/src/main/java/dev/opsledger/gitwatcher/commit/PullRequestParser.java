package dev.opsledger.gitwatcher.commit;

import dev.opsledger.events.PullRequestRef;
import dev.opsledger.gitwatcher.source.RepositoryUrls;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the pull or merge request a commit came from in its message:
 *
 * <ul>
 *   <li>GitHub merge: {@code Merge pull request #12 from org/branch}
 *   <li>GitHub squash: {@code Title (#12)} on the first line
 *   <li>GitLab: {@code See merge request group/project!12}
 *   <li>Bitbucket Cloud: {@code Merged in branch (pull request #12)}; Bitbucket Server: {@code Pull
 *       request #12: Title}
 * </ul>
 *
 * The link is built from the repository's web address when it can be derived from its URL.
 */
public final class PullRequestParser {

  private static final Pattern GITHUB_MERGE =
      Pattern.compile("^Merge pull request #(\\d+) from \\S+");
  private static final Pattern GITHUB_SQUASH = Pattern.compile("\\(#(\\d+)\\)\\s*$");
  private static final Pattern GITLAB =
      Pattern.compile("(?m)^See merge request (\\S+?)!(\\d+)\\s*$");
  private static final Pattern BITBUCKET_CLOUD =
      Pattern.compile("^Merged in \\S+ \\(pull request #(\\d+)\\)");
  private static final Pattern BITBUCKET_SERVER = Pattern.compile("^Pull request #(\\d+):");

  private PullRequestParser() {}

  /**
   * The request a commit came from.
   *
   * @param message the full commit message
   * @param repositoryUrl the source's URL, used to build the link
   * @return the reference, or {@code null} when the message follows no known convention
   */
  public static PullRequestRef parse(String message, String repositoryUrl) {
    if (message == null || message.isBlank()) {
      return null;
    }
    String firstLine = message.strip().lines().findFirst().orElse("");
    String web = webBase(repositoryUrl);
    Matcher m = GITLAB.matcher(message);
    if (m.find()) {
      long n = Long.parseLong(m.group(2));
      String host = hostBase(web);
      String url = host.isEmpty() ? "" : host + "/" + m.group(1) + "/-/merge_requests/" + n;
      return ref("gitlab", n, url);
    }
    m = BITBUCKET_CLOUD.matcher(firstLine);
    if (m.find()) {
      return ref("bitbucket", Long.parseLong(m.group(1)), link(web, "/pull-requests/", m.group(1)));
    }
    m = BITBUCKET_SERVER.matcher(firstLine);
    if (m.find()) {
      return ref("bitbucket", Long.parseLong(m.group(1)), link(web, "/pull-requests/", m.group(1)));
    }
    m = GITHUB_MERGE.matcher(firstLine);
    if (m.find()) {
      return ref("github", Long.parseLong(m.group(1)), link(web, "/pull/", m.group(1)));
    }
    m = GITHUB_SQUASH.matcher(firstLine);
    if (m.find()) {
      return ref("github", Long.parseLong(m.group(1)), link(web, "/pull/", m.group(1)));
    }
    return null;
  }

  /**
   * The web address of a repository from its clone URL, e.g. {@code https://github.com/org/repo}
   * for {@code git@github.com:org/repo.git}; empty for local repositories.
   */
  public static String webBase(String repositoryUrl) {
    if (repositoryUrl == null) {
      return "";
    }
    var kind = RepositoryUrls.classify(repositoryUrl).orElse(RepositoryUrls.Kind.LOCAL);
    if (kind == RepositoryUrls.Kind.LOCAL) {
      return "";
    }
    String c = RepositoryUrls.comparable(repositoryUrl);
    return c.isEmpty() ? "" : "https://" + c;
  }

  private static PullRequestRef ref(String provider, long number, String url) {
    return number > 0 ? new PullRequestRef(provider, number, url) : null;
  }

  private static String link(String web, String infix, String number) {
    return web.isEmpty() ? "" : web + infix + number;
  }

  private static String hostBase(String web) {
    if (web.isEmpty()) {
      return "";
    }
    int slash = web.indexOf('/', "https://".length());
    return (slash < 0 ? web : web.substring(0, slash)).toLowerCase(Locale.ROOT);
  }
}
