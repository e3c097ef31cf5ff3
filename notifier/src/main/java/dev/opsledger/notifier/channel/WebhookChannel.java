package dev.opsledger.notifier.channel;

import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A generic webhook: POSTs the trigger event in the CloudEvents HTTP binding (binary mode), signed
 * when a secret is configured: {@value CloudEventHttp#TIMESTAMP_HEADER} and {@value
 * CloudEventHttp#SIGNATURE_HEADER} over the {@code ce-id}, that timestamp and the body (see {@link
 * CloudEventHttp#verify}). Receivers deduplicate on {@code ce-id}. A retry is signed again, with a
 * fresh timestamp.
 */
public final class WebhookChannel implements Channel {

  private final String name;
  private final SecretValue url;
  private final SecretValue secret;
  private final HttpPoster poster;
  private final Clock clock;

  WebhookChannel(String name, SecretValue url, SecretValue secret, HttpPoster poster) {
    this(name, url, secret, poster, Clock.systemUTC());
  }

  WebhookChannel(String name, SecretValue url, SecretValue secret, HttpPoster poster, Clock clock) {
    this.name = name;
    this.url = url;
    this.secret = secret;
    this.poster = poster;
    this.clock = clock;
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
      long timestamp = clock.instant().getEpochSecond();
      String id = headers.get("ce-id");
      headers.put(CloudEventHttp.TIMESTAMP_HEADER, Long.toString(timestamp));
      headers.put(
          CloudEventHttp.SIGNATURE_HEADER,
          CloudEventHttp.signature(secret.reveal(), id, timestamp, body));
    }
    poster.post(URI.create(url.reveal()), headers, body);
  }
}
