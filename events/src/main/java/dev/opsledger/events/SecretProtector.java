package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps Secret values out of the log in plain text while letting the differ see that a value
 * changed and the applier write it.
 *
 * <ul>
 *   <li>Desired values are <em>sealed</em>: {@code opsledger:sealed:v2:<fingerprint>:<ciphertext>}
 *       — AES-256-GCM ciphertext that the applier can open with the fleet's key, bound to its
 *       place: the Secret's namespace and name and the data key are the associated data, so a
 *       sealed value copied into another Secret, or under another key, does not open. Values sealed
 *       before that ({@code v1}, unbound) still open anywhere; the git-watcher seals every value it
 *       emits as {@code v2}, so they are replaced as their Secrets are next emitted.
 *   <li>Observed values are <em>hashed</em>: {@code opsledger:hashed:v1:<fingerprint>} — nothing to
 *       open.
 *   <li>The fingerprint is HMAC-SHA-256 of the plain value under a key derived from the fleet's
 *       key, so the same value gives the same fingerprint on both sides and nobody without the key
 *       can test guesses against it.
 * </ul>
 *
 * <p>{@link #protectManifest} applies this to a Kubernetes {@code Secret}: every {@code data} value
 * (base64-decoded first) and every {@code stringData} value (moved into {@code data}, as the API
 * server does on write), and it drops the {@code last-applied-configuration} annotation, which
 * holds the plain values.
 */
public final class SecretProtector {

  /** The prefix of a sealed value that is bound to its place (what is sealed now). */
  public static final String SEALED_PREFIX = "opsledger:sealed:v2:";

  /** The prefix of a sealed value from before values were bound to their place. */
  public static final String SEALED_V1_PREFIX = "opsledger:sealed:v1:";

  /** The prefix of a hashed value. */
  public static final String HASHED_PREFIX = "opsledger:hashed:v1:";

  /** The annotation kubectl writes with the whole applied object, Secret values included. */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec fingerprintKey;
  private final SecretKeySpec encryptionKey;

  /**
   * A protector for the fleet's key.
   *
   * @param key at least 32 bytes of secret key material, the same in every service
   */
  public SecretProtector(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the secret key must have at least 32 bytes");
    }
    this.fingerprintKey = new SecretKeySpec(derive(key, "fingerprint"), "HmacSHA256");
    this.encryptionKey = new SecretKeySpec(derive(key, "encryption"), "AES");
  }

  /** The keyed fingerprint of a plain value, as lowercase hex. */
  public String fingerprint(byte[] plain) {
    return HexFormat.of().formatHex(hmac(fingerprintKey, plain));
  }

  /**
   * A sealed value as values were sealed before v2: not bound to a place. Only for tests that need
   * what an old log holds; everything OpsLedger emits is sealed with {@link #seal(byte[], String)}.
   */
  public String sealUnbound(byte[] plain) {
    return encrypt(SEALED_V1_PREFIX, plain, null);
  }

  /**
   * A sealed value for desired state, bound to {@code place} (see {@link #place}).
   *
   * @param plain the plain value
   * @param place where the value belongs
   */
  public String seal(byte[] plain, String place) {
    return encrypt(SEALED_PREFIX, plain, place.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Where a {@code data} value of a Secret belongs: its namespace, name and data key. Both the
   * git-watcher that seals and the applier that opens derive it from the manifest itself.
   */
  public static String place(JsonNode manifest, String dataKey) {
    JsonNode metadata = manifest.path("metadata");
    return "Secret "
        + metadata.path("namespace").asText("")
        + "/"
        + metadata.path("name").asText("")
        + " data."
        + dataKey;
  }

  private String encrypt(String prefix, byte[] plain, byte[] associatedData) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
      if (associatedData != null) {
        cipher.updateAAD(associatedData);
      }
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return prefix
          + fingerprint(plain)
          + ":"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is available on every JVM", e);
    }
  }

  /** Whether a text is a sealed value, of either version. */
  public static boolean isSealed(String text) {
    return text != null && (text.startsWith(SEALED_PREFIX) || text.startsWith(SEALED_V1_PREFIX));
  }

  /** A hashed value, for observed state. */
  public String hash(byte[] plain) {
    return HASHED_PREFIX + fingerprint(plain);
  }

  /**
   * Opens a sealed value at its place: a {@code v2} value only there, a {@code v1} value anywhere.
   *
   * @throws IllegalArgumentException when it is not a sealed value, was sealed with another key, or
   *     belongs to another place; the message holds no value
   */
  public byte[] unseal(String sealed, String place) {
    boolean bound = sealed != null && sealed.startsWith(SEALED_PREFIX);
    if (!isSealed(sealed)) {
      throw new IllegalArgumentException("not a sealed OpsLedger value");
    }
    String rest = sealed.substring(bound ? SEALED_PREFIX.length() : SEALED_V1_PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("a sealed value has no ciphertext");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(rest.substring(colon + 1));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      if (bound) {
        cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      }
      return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          bound
              ? "the sealed value does not open here: it was sealed for another Secret or key, with"
                  + " another fleet's key, or damaged"
              : "the sealed value cannot be opened with this key (another fleet's key, or damaged)");
    }
  }

  /**
   * The fingerprint in a sealed or hashed value, for comparing the two.
   *
   * @return the fingerprint, or empty when the text is neither
   */
  public static Optional<String> fingerprintOf(String protectedValue) {
    if (protectedValue == null) {
      return Optional.empty();
    }
    String rest;
    if (isSealed(protectedValue)) {
      rest = protectedValue.substring(SEALED_PREFIX.length());
      int colon = rest.indexOf(':');
      return colon < 0 ? Optional.empty() : Optional.of(rest.substring(0, colon));
    }
    if (protectedValue.startsWith(HASHED_PREFIX)) {
      return Optional.of(protectedValue.substring(HASHED_PREFIX.length()));
    }
    return Optional.empty();
  }

  /**
   * Why a manifest declared in Git cannot be published safely, or empty when it can. Protection
   * fails closed: anything that might be a Secret but is not exactly one that {@link
   * #protectManifest} seals is refused, because it would otherwise reach the log in plain text.
   *
   * <ul>
   *   <li>a kind that is {@code Secret} in another case or spacing, or a {@code Secret} whose
   *       {@code apiVersion} is not exactly {@code v1};
   *   <li>{@code data} or {@code stringData} that is not a map of strings (a list, a block of
   *       text);
   *   <li>a value that already is an OpsLedger sealed or hashed marker: Git holds plain values, and
   *       a sealed value copied from the log must not be opened into another Secret;
   *   <li>a kind that is {@code List} in another case or spacing, or a {@code List} that is not
   *       {@code v1}, whose items would not be looked at one by one.
   * </ul>
   *
   * <p>The messages name fields, never values.
   */
  public static Optional<String> declaredProblem(JsonNode manifest) {
    if (manifest == null || !manifest.isObject()) {
      return Optional.empty();
    }
    String kind = manifest.path("kind").asText("");
    String apiVersion = manifest.path("apiVersion").asText("");
    String folded = kind.replaceAll("\\s+", "").toLowerCase(java.util.Locale.ROOT);
    if (folded.equals("list") && !(kind.equals("List") && apiVersion.equals("v1"))) {
      return Optional.of(
          "kind '"
              + kind
              + "' with apiVersion '"
              + apiVersion
              + "': a list of manifests is written 'apiVersion: v1' and 'kind: List'");
    }
    if (!folded.equals("secret")) {
      return Optional.empty();
    }
    if (!kind.equals("Secret")) {
      return Optional.of(
          "kind '"
              + kind
              + "' is not 'Secret': write it exactly so, or its values would not be sealed");
    }
    if (!apiVersion.equals("v1")) {
      return Optional.of(
          "a Secret's apiVersion must be exactly 'v1', got '"
              + apiVersion
              + "' (its values would not be sealed)");
    }
    for (String field : List.of("data", "stringData")) {
      JsonNode values = manifest.get(field);
      if (values == null || values.isNull()) {
        continue;
      }
      if (!values.isObject()) {
        return Optional.of(
            "Secret "
                + field
                + " must be a map of key to string value, got "
                + (values.isTextual() ? "a block of text" : "a " + values.getNodeType()));
      }
      for (var it = values.fields(); it.hasNext(); ) {
        var e = it.next();
        JsonNode v = e.getValue();
        if (v.isNull() && field.equals("data")) {
          continue;
        }
        if (!v.isTextual()) {
          return Optional.of(
              "Secret " + field + "." + e.getKey() + " must be a string, got a " + v.getNodeType());
        }
        if (holdsMarker(v.asText(), field.equals("data"))) {
          return Optional.of(
              "Secret "
                  + field
                  + "."
                  + e.getKey()
                  + " holds an OpsLedger sealed or hashed marker: Git must hold the plain value");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a value from Git is in OpsLedger's marker form: a sealed or hashed value of any
   * version, well formed or not ({@code opsledger:sealed:…}, {@code opsledger:hashed:…}), as it is
   * or, in {@code data}, base64-encoded. The prefixes are OpsLedger's own; a value that merely
   * looks like one is refused too, so no later version can mistake it for something it sealed.
   */
  private static boolean holdsMarker(String text, boolean base64) {
    if (reserved(text) || fingerprintOf(text).isPresent()) {
      return true;
    }
    if (base64) {
      try {
        return reserved(
            new String(Base64.getDecoder().decode(text.strip()), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }
    return false;
  }

  private static boolean reserved(String text) {
    String t = text.strip();
    return t.startsWith("opsledger:sealed:") || t.startsWith("opsledger:hashed:");
  }

  /** Whether a manifest is a Kubernetes core {@code Secret}. */
  public static boolean isSecret(JsonNode manifest) {
    return manifest != null
        && "Secret".equals(manifest.path("kind").asText())
        && "v1".equals(manifest.path("apiVersion").asText());
  }

  /**
   * Protects a manifest in place when it is a {@code Secret}; other manifests are returned as they
   * are. Values that are already protected are left alone, so the call is idempotent.
   *
   * @param manifest the manifest
   * @param seal {@code true} to seal (desired state), {@code false} to hash (observed state)
   * @return the same node
   * @throws IllegalArgumentException when a {@code data} value is not base64 or not a string
   */
  public ObjectNode protectManifest(ObjectNode manifest, boolean seal) {
    if (!isSecret(manifest)) {
      return manifest;
    }
    JsonNode annotations = manifest.path("metadata").path("annotations");
    if (annotations instanceof ObjectNode a) {
      a.remove(LAST_APPLIED);
    }
    ObjectNode data =
        manifest.has("data") && manifest.get("data").isObject()
            ? (ObjectNode) manifest.get("data")
            : manifest.objectNode();
    List<String> names = new ArrayList<>();
    data.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode v = data.get(name);
      if (v.isNull()) {
        // The API server returns an empty value as null (an empty byte slice). The plaintext is
        // known to be empty, so an observed null is hashed as "" and matches an empty value
        // declared in Git. A desired null is left alone: it asks for the key's removal.
        if (!seal) {
          data.set(name, TextNode.valueOf(hash(new byte[0])));
        }
        continue;
      }
      if (!v.isTextual()) {
        throw new IllegalArgumentException("Secret data." + name + " must be a string");
      }
      if (fingerprintOf(v.asText()).isPresent()) {
        continue;
      }
      byte[] plain = decodeData(name, v.asText());
      data.set(name, TextNode.valueOf(seal ? seal(plain, place(manifest, name)) : hash(plain)));
    }
    JsonNode stringData = manifest.get("stringData");
    if (stringData instanceof ObjectNode sd) {
      for (var it = sd.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException(
              "Secret stringData." + e.getKey() + " must be a string");
        }
        String text = e.getValue().asText();
        String value =
            fingerprintOf(text).isPresent()
                ? text
                : (seal
                    ? seal(text.getBytes(StandardCharsets.UTF_8), place(manifest, e.getKey()))
                    : hash(text.getBytes(StandardCharsets.UTF_8)));
        data.set(e.getKey(), TextNode.valueOf(value));
      }
      manifest.remove("stringData");
    }
    if (!data.isEmpty()) {
      manifest.set("data", data);
    }
    return manifest;
  }

  /**
   * Decodes a {@code data} value as the API server does: standard base64, strictly. Line breaks and
   * blanks (from YAML block scalars) are dropped first. The MIME decoder is not used because it
   * skips every character outside the alphabet, so a plain value put in {@code data} by mistake
   * would pass here and only fail at apply.
   */
  private static byte[] decodeData(String name, String text) {
    StringBuilder compact = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        compact.append(c);
      }
    }
    try {
      return Base64.getDecoder().decode(compact.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Secret data." + name + " is not valid base64");
    }
  }

  private static byte[] derive(byte[] key, String purpose) {
    return hmac(new SecretKeySpec(key, "HmacSHA256"), purpose.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is available on every JVM", e);
    }
  }
}
