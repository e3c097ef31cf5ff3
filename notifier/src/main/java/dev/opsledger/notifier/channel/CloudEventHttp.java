package dev.opsledger.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.EventJson;
import dev.opsledger.notifier.notice.Masking;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CloudEvents 1.0 HTTP protocol binding, binary content mode: context attributes as {@code
 * ce-*} headers, the event data as the JSON body (with protected Secret values masked), and a
 * signature that binds the event's id, the time it was sent and the exact body bytes. Pure.
 *
 * <p>The signed content is {@code <ce-id>.<timestamp>.<body>} (as in the Standard Webhooks
 * specification), so a captured request cannot be replayed with another body or id, and not at all
 * once its timestamp is out of the receiver's tolerance; within the tolerance a receiver rejects an
 * id it has already seen (see {@link #verify}).
 */
public final class CloudEventHttp {

  /**
   * The signature header: {@code v1=<lowercase hex HMAC-SHA256 of "<ce-id>.<timestamp>.<body>">}.
   */
  public static final String SIGNATURE_HEADER = "X-OpsLedger-Signature";

  /** When the request was signed, in whole seconds since the epoch. */
  public static final String TIMESTAMP_HEADER = "X-OpsLedger-Timestamp";

  /** How far from a receiver's clock a timestamp may be before the request is refused. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String VERSION = "v1=";

  private static final EventCodec CODEC = new EventCodec();

  private CloudEventHttp() {}

  /** The HTTP headers of an event: {@code ce-*}, {@code Content-Type}, {@code traceparent}. */
  public static Map<String, String> headers(EventEnvelope<?> envelope) {
    EncodedEvent encoded = CODEC.encode(envelope);
    Map<String, String> out = new LinkedHashMap<>();
    for (EventHeader h : encoded.headers()) {
      String name = h.name();
      if (name.startsWith("ce_")) {
        out.put("ce-" + name.substring(3), Masking.mask(h.textValue()));
      } else if (name.equals(CloudEventHeaders.CONTENT_TYPE)) {
        out.put("Content-Type", h.textValue());
      } else if (name.equals(CloudEventHeaders.TRACEPARENT)) {
        out.put("traceparent", h.textValue());
      }
    }
    return out;
  }

  /** The body: the event data as JSON, every protected Secret value masked. */
  public static byte[] body(EventEnvelope<?> envelope) {
    JsonNode data = EventJson.mapper().valueToTree(envelope.data());
    try {
      return EventJson.mapper().writeValueAsBytes(Masking.mask(data));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event always serialises", e);
    }
  }

  /**
   * {@code v1=<hex>}: HMAC-SHA256 under the secret of {@code <ce-id>.<timestamp>.<body>}.
   *
   * @param secret the channel's shared secret
   * @param ceId the event's {@code ce-id}
   * @param timestamp the {@link #TIMESTAMP_HEADER} value, seconds since the epoch
   * @param body the exact body bytes
   */
  public static String signature(String secret, String ceId, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((ceId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return VERSION + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is available on every JVM", e);
    }
  }

  /**
   * What a receiver checks, in this order: the timestamp is a number within {@code tolerance} of
   * its clock, and the signature is the one {@link #signature} computes (compared in constant
   * time). A receiver that must reject replays also remembers every {@code ce-id} it accepted for
   * {@code tolerance} and refuses one it has seen: an older copy fails the timestamp check.
   *
   * @return why the request is refused, or {@code null} when it is authentic and fresh
   */
  public static String verify(
      String secret,
      String ceId,
      String timestamp,
      byte[] body,
      String signature,
      Instant now,
      Duration tolerance) {
    if (ceId == null || ceId.isEmpty() || timestamp == null || signature == null) {
      return "ce-id, " + TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER + " are required";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return TIMESTAMP_HEADER + " is not a number of seconds";
    }
    if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
      return TIMESTAMP_HEADER + " is more than " + tolerance + " away from now: a replay?";
    }
    byte[] expected = signature(secret, ceId, seconds, body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
      return SIGNATURE_HEADER + " does not match the id, timestamp and body";
    }
    return null;
  }
}
