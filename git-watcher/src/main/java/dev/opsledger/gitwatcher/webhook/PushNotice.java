package dev.opsledger.gitwatcher.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a push webhook says: which repository (under any of its URLs) and which branches moved.
 *
 * @param repositoryUrls every URL the payload gives for the repository
 * @param branches the branches pushed to
 */
public record PushNotice(Set<String> repositoryUrls, Set<String> branches) {

  /** Reads a provider's push payload; unknown shapes give an empty notice. */
  public static PushNotice parse(Provider provider, JsonNode body) {
    Set<String> urls = new LinkedHashSet<>();
    Set<String> branches = new LinkedHashSet<>();
    switch (provider) {
      case GITHUB -> {
        JsonNode repo = body.path("repository");
        for (String f : List.of("clone_url", "ssh_url", "html_url", "git_url", "url")) {
          add(urls, repo.path(f));
        }
        branch(branches, body.path("ref").asText(""));
      }
      case GITLAB -> {
        for (String f : List.of("git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url")) {
          add(urls, body.path("project").path(f));
        }
        for (String f : List.of("git_http_url", "git_ssh_url", "homepage", "url")) {
          add(urls, body.path("repository").path(f));
        }
        branch(branches, body.path("ref").asText(""));
      }
      case BITBUCKET -> {
        JsonNode repo = body.path("repository");
        add(urls, repo.path("links").path("html").path("href"));
        if (repo.path("full_name").isTextual()) {
          urls.add("https://bitbucket.org/" + repo.path("full_name").asText());
        }
        for (JsonNode change : body.path("push").path("changes")) {
          JsonNode n = change.path("new");
          if ("branch".equals(n.path("type").asText())) {
            branches.add(n.path("name").asText());
          }
        }
        // Bitbucket Server (Data Center): refChanges[].ref.displayId
        for (JsonNode change : body.path("changes")) {
          branch(branches, change.path("refId").asText(""));
        }
      }
      case GENERIC -> {
        add(urls, body.path("repository"));
        branch(branches, body.path("ref").asText(""));
      }
    }
    return new PushNotice(Set.copyOf(urls), Set.copyOf(branches));
  }

  private static void add(Set<String> urls, JsonNode v) {
    if (v.isTextual() && !v.asText().isBlank()) {
      urls.add(v.asText());
    }
  }

  private static void branch(Set<String> branches, String ref) {
    if (ref.startsWith("refs/heads/")) {
      branches.add(ref.substring("refs/heads/".length()));
    } else if (!ref.isBlank() && !ref.startsWith("refs/")) {
      branches.add(ref);
    }
  }
}
