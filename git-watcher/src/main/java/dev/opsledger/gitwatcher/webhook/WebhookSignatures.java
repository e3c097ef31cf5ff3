package dev.opsledger.gitwatcher.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Verifies webhook signatures in constant time. Pure. */
public final class WebhookSignatures {

  /** The header each provider signs with. */
  public static String header(Provider provider) {
    return switch (provider) {
      case GITHUB -> "X-Hub-Signature-256";
      case GITLAB -> "X-Gitlab-Token";
      case BITBUCKET -> "X-Hub-Signature";
      case GENERIC -> "X-OpsLedger-Signature";
    };
  }

  /** The result of a check. */
  public enum Verdict {
    /** The signature matches. */
    VALID,
    /** No signature header. */
    MISSING,
    /** A signature that does not match (or is malformed). */
    INVALID
  }

  private WebhookSignatures() {}

  /**
   * Checks a request.
   *
   * @param provider the receiver
   * @param secret the shared secret
   * @param headers reads a request header by name, null when absent
   * @param body the raw body
   */
  public static Verdict verify(
      Provider provider, String secret, Function<String, String> headers, byte[] body) {
    String value = headers.apply(header(provider));
    if (value == null || value.isBlank()) {
      return Verdict.MISSING;
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (provider == Provider.GITLAB) {
      // Hash both sides first so that the comparison does not leak the secret's length either.
      return MessageDigest.isEqual(sha256(key), sha256(value.getBytes(StandardCharsets.UTF_8)))
          ? Verdict.VALID
          : Verdict.INVALID;
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "sha256=", 0, 7)) {
      return Verdict.INVALID;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(v.substring(7));
    } catch (IllegalArgumentException e) {
      return Verdict.INVALID;
    }
    return MessageDigest.isEqual(hmacSha256(key, body), given) ? Verdict.VALID : Verdict.INVALID;
  }

  /** {@code sha256=<hex>} of a body: what a sender puts in the header. */
  public static String sign(String secret, byte[] body) {
    return "sha256="
        + HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  private static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is available on every JVM", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is available on every JVM", e);
    }
  }
}
