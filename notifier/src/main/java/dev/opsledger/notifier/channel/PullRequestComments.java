package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.notice.CommitState;
import dev.opsledger.notifier.notice.PreviewComment;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A pull request's preview comment and commit status on a Git host, through the same API, token and
 * repository as a commit status channel. GitHub: issue comments ({@code GET|POST
 * /repos/{repo}/issues/{n}/comments}, {@code PATCH /repos/{repo}/issues/comments/{id}}); GitLab:
 * merge request notes ({@code GET|POST /projects/{id}/merge_requests/{iid}/notes}, {@code PUT
 * .../notes/{note_id}}). OpsLedger's comment is the one whose hidden marker names the source and
 * the request ({@link PreviewComment#markerOf}).
 */
public final class PullRequestComments {

  /** Pages of 100 comments read at most when looking for OpsLedger's. */
  static final int MAX_PAGES = 50;

  private final String name;
  private final CommitStatusChannel.Host host;
  private final String apiUrl;
  private final String repository;
  private final SecretValue token;
  private final String context;
  private final HttpPoster http;

  PullRequestComments(
      String name,
      CommitStatusChannel.Host host,
      String apiUrl,
      String repository,
      SecretValue token,
      String context,
      HttpPoster http) {
    this.name = name;
    this.host = host;
    this.apiUrl = CommitStatusChannel.apiBase(apiUrl);
    this.repository = repository;
    this.token = token;
    this.context = context;
    this.http = http;
  }

  /**
   * A comment on a request.
   *
   * @param id its id on the host
   * @param body its Markdown
   */
  public record Comment(long id, String body) {}

  /** The channel's name. */
  public String name() {
    return name;
  }

  /** {@code github} or {@code gitlab}: the provider of the requests it comments on. */
  public String provider() {
    return host == CommitStatusChannel.Host.GITHUB ? "github" : "gitlab";
  }

  /** The commit status context of previews: the channel's context with {@code /preview}. */
  public String statusContext() {
    return context + "/preview";
  }

  /** OpsLedger's preview comment of a source on a request, if there is one. */
  public Optional<Comment> find(String sourceId, long number) throws DeliveryException {
    for (int page = 1; page <= MAX_PAGES; page++) {
      String text = http.send("GET", commentsUri(number, page), headers(), null);
      JsonNode list = parse(text);
      for (JsonNode c : list) {
        String body = c.path("body").asText("");
        var marker = PreviewComment.markerOf(body);
        if (marker.isPresent()
            && marker.get().sourceId().equals(sourceId)
            && marker.get().number() == number) {
          return Optional.of(new Comment(c.path("id").asLong(), body));
        }
      }
      if (list.size() < 100) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Creates the comment. */
  public void create(long number, String body) throws DeliveryException {
    URI uri =
        host == CommitStatusChannel.Host.GITHUB
            ? URI.create(apiUrl + "/repos/" + repository + "/issues/" + number + "/comments")
            : URI.create(
                apiUrl + "/projects/" + project() + "/merge_requests/" + number + "/notes");
    http.send("POST", uri, headers(), body(body));
  }

  /** Replaces the body of OpsLedger's comment. */
  public void edit(long number, long commentId, String body) throws DeliveryException {
    if (host == CommitStatusChannel.Host.GITHUB) {
      http.send(
          "PATCH",
          URI.create(apiUrl + "/repos/" + repository + "/issues/comments/" + commentId),
          headers(),
          body(body));
    } else {
      http.send(
          "PUT",
          URI.create(
              apiUrl
                  + "/projects/"
                  + project()
                  + "/merge_requests/"
                  + number
                  + "/notes/"
                  + commentId),
          headers(),
          body(body));
    }
  }

  /** Posts the preview's commit status on the request's head. */
  public void status(String sha, CommitState state, String description) throws DeliveryException {
    ObjectNode payload;
    URI uri;
    if (host == CommitStatusChannel.Host.GITHUB) {
      payload = StatusPayloads.github(state, description, "", statusContext());
      uri = URI.create(apiUrl + "/repos/" + repository + "/statuses/" + sha);
    } else {
      payload = StatusPayloads.gitlab(state, description, "", statusContext());
      uri = URI.create(apiUrl + "/projects/" + project() + "/statuses/" + sha);
    }
    http.send("POST", uri, headers(), payload.toString().getBytes(StandardCharsets.UTF_8));
  }

  private URI commentsUri(long number, int page) {
    String query = "?per_page=100&page=" + page;
    return host == CommitStatusChannel.Host.GITHUB
        ? URI.create(apiUrl + "/repos/" + repository + "/issues/" + number + "/comments" + query)
        : URI.create(
            apiUrl
                + "/projects/"
                + project()
                + "/merge_requests/"
                + number
                + "/notes"
                + query
                + "&sort=asc");
  }

  private String project() {
    return URLEncoder.encode(repository, StandardCharsets.UTF_8);
  }

  private Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    if (host == CommitStatusChannel.Host.GITHUB) {
      h.put("Authorization", "Bearer " + token.reveal());
      h.put("Accept", "application/vnd.github+json");
      h.put("X-GitHub-Api-Version", "2022-11-28");
    } else {
      h.put("PRIVATE-TOKEN", token.reveal());
    }
    return h;
  }

  private static byte[] body(String markdown) {
    return EventJson.mapper()
        .createObjectNode()
        .put("body", markdown)
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  private JsonNode parse(String text) throws DeliveryException {
    try {
      JsonNode list = EventJson.mapper().readTree(text);
      if (list == null || !list.isArray()) {
        throw new DeliveryException.Terminal(
            "channel '" + name + "': the comments answer is not a JSON array");
      }
      return list;
    } catch (IOException e) {
      throw new DeliveryException.Terminal(
          "channel '" + name + "': the comments answer is not JSON");
    }
  }
}
