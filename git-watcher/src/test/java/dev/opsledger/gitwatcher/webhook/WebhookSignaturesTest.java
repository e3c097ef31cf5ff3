package dev.opsledger.gitwatcher.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventJson;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.Watchers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {

  final byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void acceptsOnlyTheHmacOfTheExactBody() {
    String sig = WebhookSignatures.sign("s3cret", body);
    assertThat(
            WebhookSignatures.verify(
                Provider.GITHUB, "s3cret", Map.of("X-Hub-Signature-256", sig)::get, body))
        .isEqualTo(WebhookSignatures.Verdict.VALID);
    assertThat(
            WebhookSignatures.verify(
                Provider.BITBUCKET, "s3cret", Map.of("X-Hub-Signature", sig)::get, body))
        .isEqualTo(WebhookSignatures.Verdict.VALID);
    byte[] tampered = "{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(
            WebhookSignatures.verify(
                Provider.GITHUB, "s3cret", Map.of("X-Hub-Signature-256", sig)::get, tampered))
        .isEqualTo(WebhookSignatures.Verdict.INVALID);
    assertThat(
            WebhookSignatures.verify(
                Provider.GENERIC, "s3cret", Map.<String, String>of()::get, body))
        .isEqualTo(WebhookSignatures.Verdict.MISSING);
    assertThat(
            WebhookSignatures.verify(
                Provider.GITHUB, "s3cret", Map.of("X-Hub-Signature-256", "sha1=abc")::get, body))
        .isEqualTo(WebhookSignatures.Verdict.INVALID);
  }

  @Test
  void gitlabComparesTheTokenItself() {
    assertThat(
            WebhookSignatures.verify(
                Provider.GITLAB, "tok", Map.of("X-Gitlab-Token", "tok")::get, body))
        .isEqualTo(WebhookSignatures.Verdict.VALID);
    assertThat(
            WebhookSignatures.verify(
                Provider.GITLAB, "tok", Map.of("X-Gitlab-Token", "tok2")::get, body))
        .isEqualTo(WebhookSignatures.Verdict.INVALID);
  }

  @Test
  void routesAPushToSourcesOfThatRepositoryAndBranch() throws Exception {
    SourceSettings a = Watchers.source("a", "https://github.com/org/repo.git", "");
    SourceSettings b = Watchers.source("b", "https://github.com/org/other.git", "");
    var github =
        EventJson.mapper()
            .readTree(
                "{\"ref\":\"refs/heads/main\",\"repository\":{\"ssh_url\":\"git@github.com:org/repo.git\"}}");
    assertThat(PushRouting.route(List.of(a, b), PushNotice.parse(Provider.GITHUB, github), null))
        .containsExactly("a");
    var bitbucket =
        EventJson.mapper()
            .readTree(
                "{\"repository\":{\"full_name\":\"org/repo\"},\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\",\"name\":\"main\"}}]}}");
    SourceSettings bb = Watchers.source("bb", "git@bitbucket.org:org/repo.git", "");
    assertThat(
            PushRouting.route(
                List.of(a, bb), PushNotice.parse(Provider.BITBUCKET, bitbucket), null))
        .containsExactly("bb");
    var other = EventJson.mapper().readTree("{\"ref\":\"refs/heads/dev\",\"repository\":\"x\"}");
    assertThat(PushRouting.route(List.of(a), PushNotice.parse(Provider.GENERIC, other), "a"))
        .isEmpty();
  }
}
