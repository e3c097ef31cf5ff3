package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.route.Templates;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A commit status on a Git host: GitHub ({@code POST {api}/repos/{owner}/{repo}/statuses/{sha}},
 * {@code Authorization: Bearer}) or GitLab ({@code POST {api}/projects/{id}/statuses/{sha}}, {@code
 * PRIVATE-TOKEN}). Posts the aggregated state of the notice's revision; only a changed state is
 * posted (change mode).
 */
public final class CommitStatusChannel implements Channel {

  /** Which Git host API. */
  public enum Host {
    /** GitHub's commit statuses API. */
    GITHUB,
    /** GitLab's commit status API. */
    GITLAB
  }

  private final String name;
  private final Host host;
  private final String apiUrl;
  private final String repository;
  private final SecretValue token;
  private final String context;
  private final HttpPoster poster;
  private final Templates templates;
  private final String linkTemplate;

  CommitStatusChannel(
      String name,
      Host host,
      String apiUrl,
      String repository,
      SecretValue token,
      String context,
      HttpPoster poster,
      Templates templates,
      String linkTemplate) {
    this.name = name;
    this.host = host;
    this.apiUrl = apiBase(apiUrl);
    this.repository = repository;
    this.token = token;
    this.context = context;
    this.poster = poster;
    this.templates = templates;
    this.linkTemplate = linkTemplate;
  }

  /** The host's API address without its trailing slash, as paths are appended to it. */
  static String apiBase(String apiUrl) {
    return apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return host == Host.GITHUB ? "github-status" : "gitlab-status";
  }

  @Override
  public Set<NoticeKind> kinds() {
    return STATUS_KINDS;
  }

  @Override
  public boolean changeMode() {
    return true;
  }

  @Override
  public void send(Notice notice) throws DeliveryException {
    if (notice.commitState() == null || notice.revision().isEmpty()) {
      throw new DeliveryException.Terminal("channel '" + name + "': not a commit status notice");
    }
    String link = linkTemplate.isEmpty() ? "" : Templates.render(linkTemplate, notice.values());
    String description = templates.text(notice);
    ObjectNode body;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    URI uri;
    if (host == Host.GITHUB) {
      body = StatusPayloads.github(notice.commitState(), description, link, context);
      uri = URI.create(apiUrl + "/repos/" + repository + "/statuses/" + notice.revision());
      headers.put("Authorization", "Bearer " + token.reveal());
      headers.put("Accept", "application/vnd.github+json");
      headers.put("X-GitHub-Api-Version", "2022-11-28");
    } else {
      body = StatusPayloads.gitlab(notice.commitState(), description, link, context);
      String project = URLEncoder.encode(repository, StandardCharsets.UTF_8);
      uri = URI.create(apiUrl + "/projects/" + project + "/statuses/" + notice.revision());
      headers.put("PRIVATE-TOKEN", token.reveal());
    }
    try {
      poster.post(uri, headers, EventJson.mapper().writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new DeliveryException.Terminal("channel '" + name + "': cannot write the status");
    }
  }
}
