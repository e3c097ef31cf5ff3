package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.notifier.notice.CommitState;

/** Bodies of the GitHub and GitLab commit status APIs. Pure. */
public final class StatusPayloads {

  /** GitHub's limit for a status description. */
  static final int MAX_DESCRIPTION = 140;

  private StatusPayloads() {}

  /** GitHub's state for an aggregated state: {@code pending}, {@code success}, {@code failure}. */
  public static String githubState(CommitState state) {
    return switch (state) {
      case PENDING, RUNNING -> "pending";
      case SUCCESS -> "success";
      case FAILURE -> "failure";
    };
  }

  /** GitLab's state: {@code pending}, {@code running}, {@code success}, {@code failed}. */
  public static String gitlabState(CommitState state) {
    return switch (state) {
      case PENDING -> "pending";
      case RUNNING -> "running";
      case SUCCESS -> "success";
      case FAILURE -> "failed";
    };
  }

  /** {@code POST /repos/{owner}/{repo}/statuses/{sha}} body. */
  public static ObjectNode github(
      CommitState state, String description, String targetUrl, String context) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("state", githubState(state));
    if (targetUrl != null && !targetUrl.isEmpty()) {
      body.put("target_url", targetUrl);
    }
    body.put("description", cut(description));
    body.put("context", context);
    return body;
  }

  /** {@code POST /projects/{id}/statuses/{sha}} body. */
  public static ObjectNode gitlab(
      CommitState state, String description, String targetUrl, String context) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("state", gitlabState(state));
    body.put("name", context);
    if (targetUrl != null && !targetUrl.isEmpty()) {
      body.put("target_url", targetUrl);
    }
    body.put("description", cut(description));
    return body;
  }

  private static String cut(String text) {
    return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 1) + "…";
  }
}
