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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CloudEvents 1.0 HTTP protocol binding, binary content mode: context attributes as {@code
 * ce-*} headers, the event data as the JSON body (with protected Secret values masked), signed with
 * HMAC-SHA256 over the exact body bytes. Pure.
 */
public final class CloudEventHttp {

  /** The signature header: {@code sha256=<lowercase hex HMAC-SHA256 of the body>}. */
  public static final String SIGNATURE_HEADER = "X-OpsLedger-Signature";

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

  /** {@code sha256=<hex>}: HMAC-SHA256 of the body under the secret. */
  public static String signature(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is available on every JVM", e);
    }
  }
}
