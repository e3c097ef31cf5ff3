package dev.opsledger.gitwatcher.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a pull request webhook says: GitHub's {@code pull_request} event (actions {@code opened},
 * {@code synchronize}, {@code reopened}, {@code closed}) or GitLab's {@code Merge Request Hook}
 * ({@code open}, {@code update}, {@code reopen}, {@code close}, {@code merge}). Pure.
 *
 * @param repositoryUrls every URL the payload gives for the target repository
 * @param targetBranch the branch the request would merge into
 * @param number the request's number (GitLab: its iid)
 * @param open true for opened, pushed to or reopened; false for closed or merged
 * @param merged whether it was merged
 */
public record PullRequestNotice(
    Set<String> repositoryUrls, String targetBranch, long number, boolean open, boolean merged) {

  /**
   * Reads a pull request payload.
   *
   * @param provider the receiver
   * @param githubEvent the {@code X-GitHub-Event} header, or null
   * @param body the payload
   * @return the notice, or empty when the payload is no pull request event (a push) or an action
   *     that changes nothing previewed (labels, reviews, assignments)
   */
  public static Optional<PullRequestNotice> parse(
      Provider provider, String githubEvent, JsonNode body) {
    Set<String> urls = new LinkedHashSet<>();
    if (provider == Provider.GITHUB && "pull_request".equals(githubEvent)) {
      JsonNode pr = body.path("pull_request");
      String action = body.path("action").asText("");
      JsonNode repo =
          pr.path("base").path("repo").isObject()
              ? pr.path("base").path("repo")
              : body.path("repository");
      for (String f : List.of("clone_url", "ssh_url", "html_url", "git_url", "url")) {
        add(urls, repo.path(f));
      }
      long number = body.path("number").asLong(pr.path("number").asLong(0));
      String base = pr.path("base").path("ref").asText("");
      return switch (action) {
        case "opened", "synchronize", "reopened", "edited" ->
            notice(urls, base, number, true, false);
        case "closed" -> notice(urls, base, number, false, pr.path("merged").asBoolean(false));
        default -> Optional.empty();
      };
    }
    if (provider == Provider.GITLAB && "merge_request".equals(body.path("object_kind").asText())) {
      JsonNode attrs = body.path("object_attributes");
      for (String f : List.of("git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url")) {
        add(urls, body.path("project").path(f));
      }
      long number = attrs.path("iid").asLong(0);
      String target = attrs.path("target_branch").asText("");
      return switch (attrs.path("action").asText("")) {
        case "open", "update", "reopen" -> notice(urls, target, number, true, false);
        case "close" -> notice(urls, target, number, false, false);
        case "merge" -> notice(urls, target, number, false, true);
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  private static Optional<PullRequestNotice> notice(
      Set<String> urls, String target, long number, boolean open, boolean merged) {
    if (number <= 0 || target.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new PullRequestNotice(Set.copyOf(urls), target, number, open, merged));
  }

  private static void add(Set<String> urls, JsonNode v) {
    if (v.isTextual() && !v.asText().isBlank()) {
      urls.add(v.asText());
    }
  }
}
