package dev.opsledger.notifier.channel;

import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A generic webhook: POSTs the trigger event in the CloudEvents HTTP binding (binary mode), signed
 * with {@value CloudEventHttp#SIGNATURE_HEADER} when a secret is configured. Receivers deduplicate
 * on {@code ce-id}.
 */
public final class WebhookChannel implements Channel {

  private final String name;
  private final SecretValue url;
  private final SecretValue secret;
  private final HttpPoster poster;

  WebhookChannel(String name, SecretValue url, SecretValue secret, HttpPoster poster) {
    this.name = name;
    this.url = url;
    this.secret = secret;
    this.poster = poster;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return "webhook";
  }

  @Override
  public Set<NoticeKind> kinds() {
    return MESSAGE_KINDS;
  }

  @Override
  public void send(Notice notice) throws DeliveryException {
    byte[] body = CloudEventHttp.body(notice.trigger());
    Map<String, String> headers = new LinkedHashMap<>(CloudEventHttp.headers(notice.trigger()));
    headers.put("X-OpsLedger-Notice", notice.kind().label());
    if (secret != null) {
      headers.put(CloudEventHttp.SIGNATURE_HEADER, CloudEventHttp.signature(secret.reveal(), body));
    }
    poster.post(URI.create(url.reveal()), headers, body);
  }
}
