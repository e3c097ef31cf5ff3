package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.route.Templates;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Slack: Block Kit messages (see {@link SlackMessages}), through an incoming webhook or a bot
 * token.
 *
 * <p>An incoming webhook cannot edit what it posted, so it takes the held variant of the digest
 * (one message once the outcome is known). A bot token posts with {@code chat.postMessage} and
 * edits with {@code chat.update}: it takes the live variant (a drift at once, then its outcome in
 * the same message). The timestamps of posted messages are remembered in this process only: after a
 * restart an update of an earlier message is posted as a new one.
 */
public final class SlackChannel implements Channel {

  private static final int REMEMBERED_MESSAGES = 10_000;

  private final String name;
  private final SecretValue url;
  private final String api;
  private final SecretValue token;
  private final String conversation;
  private final HttpPoster poster;
  private final Templates templates;
  private final String linkTemplate;
  private final Map<String, String> posted =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > REMEMBERED_MESSAGES;
            }
          });

  SlackChannel(
      String name, SecretValue url, HttpPoster poster, Templates templates, String linkTemplate) {
    this(name, url, null, null, null, poster, templates, linkTemplate);
  }

  private SlackChannel(
      String name,
      SecretValue url,
      String api,
      SecretValue token,
      String conversation,
      HttpPoster poster,
      Templates templates,
      String linkTemplate) {
    this.name = name;
    this.url = url;
    this.api = api == null ? null : (api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
    this.token = token;
    this.conversation = conversation;
    this.poster = poster;
    this.templates = templates;
    this.linkTemplate = linkTemplate;
  }

  /** A channel posting with a bot token to one conversation through Slack's Web API. */
  static SlackChannel bot(
      String name,
      String api,
      SecretValue token,
      String conversation,
      HttpPoster poster,
      Templates templates,
      String linkTemplate) {
    return new SlackChannel(name, null, api, token, conversation, poster, templates, linkTemplate);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return "slack";
  }

  @Override
  public Set<NoticeKind> kinds() {
    return MESSAGE_KINDS;
  }

  @Override
  public Set<Audience> audiences() {
    return token == null
        ? EnumSet.of(Audience.CHAT, Audience.CHAT_HELD)
        : EnumSet.of(Audience.CHAT, Audience.CHAT_LIVE);
  }

  @Override
  public void send(Notice notice) throws DeliveryException {
    String link = linkTemplate.isEmpty() ? "" : Templates.render(linkTemplate, notice.values());
    ObjectNode message = SlackMessages.message(notice, templates, link);
    if (token == null) {
      poster.post(
          URI.create(url.reveal()), Map.of("Content-Type", "application/json"), json(message));
      return;
    }
    String ts = notice.updates() == null ? null : posted.get(notice.updates());
    message.put("channel", conversation);
    if (ts != null) {
      message.put("ts", ts);
      call("chat.update", message);
      posted.put(notice.id(), ts);
      return;
    }
    String newTs = call("chat.postMessage", message).path("ts").asText("");
    posted.put(notice.id(), newTs);
    if (notice.updates() != null) {
      // The message to update was posted before a restart: later updates edit this one.
      posted.put(notice.updates(), newTs);
    }
  }

  /** Calls a Web API method; Slack answers 200 with {@code ok: false} and an error code. */
  private JsonNode call(String method, ObjectNode message) throws DeliveryException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    headers.put("Authorization", "Bearer " + token.reveal());
    String body = poster.postForBody(URI.create(api + "/" + method), headers, json(message));
    JsonNode answer;
    try {
      answer = EventJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new DeliveryException.Retryable(
          "channel '" + name + "': " + method + " answered something that is not JSON", null);
    }
    if (!answer.path("ok").asBoolean(false)) {
      String error = answer.path("error").asText("unknown");
      String text =
          "channel '" + name + "': " + method + " failed: " + error.replaceAll("[^a-z_]", "");
      if (error.equals("ratelimited")
          || error.equals("internal_error")
          || error.equals("fatal_error")) {
        throw new DeliveryException.Retryable(text, null);
      }
      throw new DeliveryException.Terminal(text);
    }
    return answer;
  }

  private byte[] json(ObjectNode message) throws DeliveryException {
    try {
      return EventJson.mapper().writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new DeliveryException.Terminal("channel '" + name + "': cannot write the message");
    }
  }
}
