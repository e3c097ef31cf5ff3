package dev.opsledger.gitwatcher.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import org.junit.jupiter.api.Test;

class PullRequestNoticeTest {

  static JsonNode json(String text) throws Exception {
    return EventJson.mapper().readTree(text);
  }

  static String github(String action, boolean merged) {
    return """
        {"action":"%s","number":12,
         "pull_request":{"number":12,"merged":%s,"head":{"sha":"abc"},
           "base":{"ref":"main","repo":{"clone_url":"https://github.com/o/r.git"}}},
         "repository":{"clone_url":"https://github.com/o/r.git"}}
        """
        .formatted(action, merged);
  }

  static String gitlab(String action) {
    return """
        {"object_kind":"merge_request",
         "project":{"git_http_url":"https://gitlab.example.com/g/p.git"},
         "object_attributes":{"iid":5,"action":"%s","target_branch":"main",
           "last_commit":{"id":"def"}}}
        """
        .formatted(action);
  }

  @Test
  void readsGithubPullRequestActions() throws Exception {
    assertThat(
            PullRequestNotice.parse(Provider.GITHUB, "pull_request", json(github("opened", false))))
        .hasValueSatisfying(
            n -> {
              assertThat(n.number()).isEqualTo(12);
              assertThat(n.targetBranch()).isEqualTo("main");
              assertThat(n.open()).isTrue();
              assertThat(n.repositoryUrls()).contains("https://github.com/o/r.git");
            });
    assertThat(
            PullRequestNotice.parse(
                Provider.GITHUB, "pull_request", json(github("synchronize", false))))
        .hasValueSatisfying(n -> assertThat(n.open()).isTrue());
    assertThat(
            PullRequestNotice.parse(Provider.GITHUB, "pull_request", json(github("closed", true))))
        .hasValueSatisfying(
            n -> {
              assertThat(n.open()).isFalse();
              assertThat(n.merged()).isTrue();
            });
  }

  @Test
  void ignoresGithubActionsThatChangeNoHeadAndPushes() throws Exception {
    assertThat(
            PullRequestNotice.parse(
                Provider.GITHUB, "pull_request", json(github("labeled", false))))
        .isEmpty();
    assertThat(PullRequestNotice.parse(Provider.GITHUB, "push", json(github("opened", false))))
        .isEmpty();
  }

  @Test
  void readsGitlabMergeRequestHooks() throws Exception {
    assertThat(PullRequestNotice.parse(Provider.GITLAB, null, json(gitlab("update"))))
        .hasValueSatisfying(
            n -> {
              assertThat(n.number()).isEqualTo(5);
              assertThat(n.open()).isTrue();
            });
    assertThat(PullRequestNotice.parse(Provider.GITLAB, null, json(gitlab("merge"))))
        .hasValueSatisfying(n -> assertThat(n.merged()).isTrue());
    assertThat(PullRequestNotice.parse(Provider.GITLAB, null, json(gitlab("close"))))
        .hasValueSatisfying(n -> assertThat(n.open()).isFalse());
    assertThat(PullRequestNotice.parse(Provider.GITLAB, null, json(gitlab("approved")))).isEmpty();
  }

  @Test
  void refusesARequestWithoutANumberOrTarget() throws Exception {
    assertThat(
            PullRequestNotice.parse(
                Provider.GITHUB,
                "pull_request",
                json("{\"action\":\"opened\",\"number\":0,\"pull_request\":{}}")))
        .isEmpty();
  }
}
