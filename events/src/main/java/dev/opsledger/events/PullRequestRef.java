package dev.opsledger.events;

/**
 * The pull or merge request a commit came from, as far as its message and host tell.
 *
 * @param provider {@code github}, {@code gitlab}, {@code bitbucket} or {@code unknown}
 * @param number the request number on that host
 * @param url a link to the request, empty when the host's web address is not known
 */
public record PullRequestRef(String provider, long number, String url) {

  /** Normalises {@code null} strings. */
  public PullRequestRef {
    provider = provider == null ? "unknown" : provider;
    url = url == null ? "" : url;
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive, got " + number);
    }
  }
}
