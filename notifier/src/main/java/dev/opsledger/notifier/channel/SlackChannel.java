package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.route.Templates;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/** A Slack incoming webhook: Block Kit messages (see {@link SlackMessages}). */
public final class SlackChannel implements Channel {

  private final String name;
  private final SecretValue url;
  private final HttpPoster poster;
  private final Templates templates;
  private final String linkTemplate;

  SlackChannel(
      String name, SecretValue url, HttpPoster poster, Templates templates, String linkTemplate) {
    this.name = name;
    this.url = url;
    this.poster = poster;
    this.templates = templates;
    this.linkTemplate = linkTemplate;
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
  public void send(Notice notice) throws DeliveryException {
    String link = linkTemplate.isEmpty() ? "" : Templates.render(linkTemplate, notice.values());
    byte[] body;
    try {
      body = EventJson.mapper().writeValueAsBytes(SlackMessages.message(notice, templates, link));
    } catch (JsonProcessingException e) {
      throw new DeliveryException.Terminal("channel '" + name + "': cannot write the message");
    }
    poster.post(URI.create(url.reveal()), Map.of("Content-Type", "application/json"), body);
  }
}
