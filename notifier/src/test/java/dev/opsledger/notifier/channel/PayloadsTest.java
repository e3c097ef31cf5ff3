package dev.opsledger.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.notice.CommitState;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.route.Templates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");

  Notice drift() {
    return Fixtures.chatDrift(Fixtures.deployment("prod", "web"), "shop", "r1", t0);
  }

  @Test
  void slackDriftMessageHasHeaderTextFieldsDiffAndContextBlocks() {
    var msg = SlackMessages.message(drift(), Templates.defaults(), "https://ui.example/r1");
    assertThat(msg.get("text").asText()).isEqualTo("Drift: shop/Deployment/web still drifted");
    assertThat(msg.at("/blocks/1/text/text").asText())
        .contains("drifted at /spec/replicas (live edit), not healed yet");
    List<String> types = msg.get("blocks").findValuesAsText("type").stream().toList();
    assertThat(msg.get("blocks")).hasSize(5);
    assertThat(msg.at("/blocks/0/type").asText()).isEqualTo("header");
    assertThat(msg.at("/blocks/1/text/type").asText()).isEqualTo("mrkdwn");
    assertThat(msg.at("/blocks/2/fields/0/text").asText())
        .contains("Resource")
        .contains("prod/apps/Deployment/shop/web");
    assertThat(msg.at("/blocks/3/text/text").asText()).startsWith("```").contains("replicas: 3");
    assertThat(msg.at("/blocks/4/type").asText()).isEqualTo("context");
    assertThat(msg.at("/blocks/4/elements/0/text").asText())
        .contains("<https://ui.example/r1|details>");
    assertThat(types).contains("header", "section", "context");
    assertThat(msg.toString()).doesNotContain("opsledger:sealed:v1:abc");
  }

  @Test
  void slackMessagesEscapeWhatComesFromOutsideSoItCannotMentionTheChannelOrForgeALink() {
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    var hostile =
        Fixtures.chatDrift(
            Fixtures.deployment("prod", "web"),
            "<!channel> <https://evil.example|click> & co",
            "r1",
            t0);

    var msg = SlackMessages.message(hostile, Templates.defaults(), "https://ui.example/r1");

    assertThat(msg.toString())
        .doesNotContain("<!channel>")
        .doesNotContain("<https://evil.example|click>")
        .contains("&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co")
        .contains("<https://ui.example/r1|details>");
  }

  @Test
  void statusBodiesUseEachHostsVocabulary() {
    var gh = StatusPayloads.github(CommitState.RUNNING, "applying", "https://x/1", "opsledger");
    assertThat(gh.get("state").asText()).isEqualTo("pending");
    assertThat(gh.get("context").asText()).isEqualTo("opsledger");
    assertThat(gh.get("target_url").asText()).isEqualTo("https://x/1");
    var gl = StatusPayloads.gitlab(CommitState.FAILURE, "x".repeat(300), "", "opsledger");
    assertThat(gl.get("state").asText()).isEqualTo("failed");
    assertThat(gl.get("name").asText()).isEqualTo("opsledger");
    assertThat(gl.has("target_url")).isFalse();
    assertThat(gl.get("description").asText()).hasSize(StatusPayloads.MAX_DESCRIPTION);
    assertThat(StatusPayloads.gitlabState(CommitState.RUNNING)).isEqualTo("running");
  }

  @Test
  void webhookCarriesTheCloudEventInBinaryModeWithAVerifiableSignature() throws Exception {
    var trigger = drift().trigger();
    var headers = CloudEventHttp.headers(trigger);
    assertThat(headers)
        .containsEntry("ce-id", trigger.id())
        .containsEntry("ce-type", "dev.opsledger.diff.detected")
        .containsEntry("ce-specversion", "1.0")
        .containsEntry("ce-subject", "prod/apps/Deployment/shop/web")
        .containsEntry("ce-correlation", "r1")
        .containsEntry("Content-Type", "application/json");
    byte[] body = CloudEventHttp.body(trigger);
    assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("opsledger:sealed:v1:abc");
    assertThat(EventJson.mapper().readTree(body).get("desiredRevision").asText()).isEqualTo("r1");

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((trigger.id() + ".1700000000.").getBytes(StandardCharsets.UTF_8));
    assertThat(CloudEventHttp.signature("s3cret", trigger.id(), 1700000000L, body))
        .isEqualTo("v1=" + HexFormat.of().formatHex(mac.doFinal(body)));
  }

  @Test
  void aReceiverAcceptsAFreshSignatureAndRefusesAReplayedOrAlteredOne() {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    java.time.Instant now = java.time.Instant.ofEpochSecond(1_700_000_000L);
    java.time.Duration tolerance = CloudEventHttp.DEFAULT_TOLERANCE;
    String sig = CloudEventHttp.signature("s3cret", "id-1", now.getEpochSecond(), body);
    String ts = Long.toString(now.getEpochSecond());

    assertThat(CloudEventHttp.verify("s3cret", "id-1", ts, body, sig, now, tolerance)).isNull();
    assertThat(
            CloudEventHttp.verify(
                "s3cret",
                "id-1",
                ts,
                body,
                sig,
                now.plus(java.time.Duration.ofMinutes(6)),
                tolerance))
        .contains("replay");
    assertThat(CloudEventHttp.verify("s3cret", "id-2", ts, body, sig, now, tolerance))
        .contains("does not match");
    assertThat(
            CloudEventHttp.verify(
                "s3cret",
                "id-1",
                Long.toString(now.getEpochSecond() + 1),
                body,
                sig,
                now,
                tolerance))
        .contains("does not match");
    assertThat(
            CloudEventHttp.verify(
                "s3cret",
                "id-1",
                ts,
                "{\"a\":2}".getBytes(StandardCharsets.UTF_8),
                sig,
                now,
                tolerance))
        .contains("does not match");
    assertThat(CloudEventHttp.verify("other", "id-1", ts, body, sig, now, tolerance))
        .contains("does not match");
    assertThat(CloudEventHttp.verify("s3cret", "id-1", "soon", body, sig, now, tolerance))
        .contains("not a number");
    assertThat(CloudEventHttp.verify("s3cret", "id-1", ts, body, null, now, tolerance))
        .contains("required");
  }

  @Test
  void errorTextsNeverShowSecretsOrUrlPaths() {
    SecretValue token = SecretValue.resolve("t", "ghp_TOKEN123", null);
    ErrorText errors = new ErrorText(List.of(token));
    assertThat(
            errors.clean(
                "failed https://hooks.slack.com/services/T0/B0/XYZ with ghp_TOKEN123 and "
                    + Fixtures.SEALED))
        .isEqualTo("failed https://hooks.slack.com/*** with *** and opsledger:***");
    assertThat(errors.clean("at https://user:pw@git.example.com/api?x=1"))
        .isEqualTo("at https://git.example.com/***");
    assertThat(token.toString()).isEqualTo("***");
  }
}
