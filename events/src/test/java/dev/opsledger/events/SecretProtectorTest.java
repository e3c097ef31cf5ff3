package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secret values never reach the log in plain text, yet a changed value is still detectable. */
class SecretProtectorTest {

  private static final String PLACE = "Secret prod/db data.password";

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_KEY =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

  private static final String PASSWORD = "s3cr3t-pa55word";
  private static final String USERNAME = "svc_shop_rw";
  private static final String API_TOKEN = "tok_live_9aZ3kQ7mV1xR";

  private final SecretProtector protector = new SecretProtector(KEY);

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void secretValuesNeverAppearInPlainTextOrBase64(boolean seal) throws Exception {
    ObjectNode manifest = protector.protectManifest(secret(), seal);

    String written = EventJson.mapper().writeValueAsString(manifest);

    for (String plain : List.of(PASSWORD, USERNAME, API_TOKEN)) {
      assertThat(written)
          .doesNotContain(plain)
          .doesNotContain(base64(plain))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(plain)));
    }
  }

  @Test
  void sealsDesiredValuesAndHashesObservedOnes() {
    ObjectNode desired = protector.protectManifest(secret(), true);
    ObjectNode observed = protector.protectManifest(secret(), false);

    assertThat(desired.get("data").get("password").asText())
        .startsWith(SecretProtector.SEALED_PREFIX);
    assertThat(observed.get("data").get("password").asText())
        .startsWith(SecretProtector.HASHED_PREFIX);
  }

  @Test
  void movesStringDataIntoDataAsTheApiServerDoes() {
    ObjectNode manifest = protector.protectManifest(secret(), true);

    assertThat(manifest.has("stringData")).isFalse();
    assertThat(manifest.get("data").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("password", "username", "api-token");
    assertThat(
            protector.unseal(
                manifest.get("data").get("api-token").asText(),
                SecretProtector.place(manifest, "api-token")))
        .isEqualTo(bytes(API_TOKEN));
  }

  @Test
  void sealedDataValuesUnsealToTheDecodedPlainBytes() {
    ObjectNode manifest = protector.protectManifest(secret(), true);

    assertThat(
            protector.unseal(
                manifest.get("data").get("password").asText(),
                SecretProtector.place(manifest, "password")))
        .isEqualTo(bytes(PASSWORD));
  }

  @Test
  void sealAndUnsealRoundTripAnyBytes() {
    byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13};

    assertThat(protector.unseal(protector.seal(binary, PLACE), PLACE)).isEqualTo(binary);
    assertThat(protector.unseal(protector.seal(new byte[0], PLACE), PLACE)).isEmpty();
  }

  @Test
  void sealingTheSameValueTwiceGivesDifferentCiphertextsWithOneFingerprint() {
    String first = protector.seal(bytes(PASSWORD), PLACE);
    String second = protector.seal(bytes(PASSWORD), PLACE);

    assertThat(first).isNotEqualTo(second);
    assertThat(SecretProtector.fingerprintOf(first))
        .isEqualTo(SecretProtector.fingerprintOf(second));
  }

  @Test
  void desiredAndObservedFormsOfTheSameValueHaveTheSameFingerprint() {
    // Desired: written in Git as stringData. Observed: what the API server returns, base64 data.
    ObjectNode desired = protector.protectManifest(secret(), true);
    ObjectNode observed = protector.protectManifest(liveSecret(PASSWORD), false);

    assertThat(fingerprint(desired, "password")).isEqualTo(fingerprint(observed, "password"));
    assertThat(fingerprint(desired, "api-token")).isEqualTo(fingerprint(observed, "api-token"));
  }

  @Test
  void anEmptyValueInGitHasTheFingerprintOfANullValueLive() {
    // Git declares an empty value; an API server may return it as null (an empty byte slice).
    ObjectNode desired = protector.protectManifest(secret(), true);
    ((ObjectNode) desired.get("data")).put("empty", protector.seal(new byte[0], PLACE));
    ObjectNode observed = protector.protectManifest(liveSecret(PASSWORD), false);
    ((ObjectNode) observed.get("data")).putNull("empty");

    protector.protectManifest(observed, false);

    assertThat(fingerprint(observed, "empty")).isEqualTo(fingerprint(desired, "empty"));
  }

  @Test
  void aNullValueInTheDesiredStateStaysNull() {
    ObjectNode desired = secret();
    desired.putObject("data").putNull("empty");

    protector.protectManifest(desired, true);

    assertThat(desired.get("data").get("empty").isNull()).isTrue();
  }

  @Test
  void differentValuesHaveDifferentFingerprints() {
    ObjectNode desired = protector.protectManifest(secret(), true);
    ObjectNode observed = protector.protectManifest(liveSecret("rotated-pa55word"), false);

    assertThat(fingerprint(desired, "password")).isNotEqualTo(fingerprint(observed, "password"));
    assertThat(protector.fingerprint(bytes("a"))).isNotEqualTo(protector.fingerprint(bytes("b")));
  }

  @Test
  void fingerprintsDependOnTheFleetKey() {
    // Without the key nobody can test guesses against a fingerprint in the log.
    assertThat(new SecretProtector(OTHER_KEY).fingerprint(bytes(PASSWORD)))
        .isNotEqualTo(protector.fingerprint(bytes(PASSWORD)));
  }

  @Test
  void removesTheLastAppliedAnnotationAndKeepsTheOthers() {
    ObjectNode manifest = protector.protectManifest(secret(), false);

    ObjectNode annotations = (ObjectNode) manifest.get("metadata").get("annotations");
    assertThat(annotations.has(SecretProtector.LAST_APPLIED)).isFalse();
    assertThat(annotations.get("team").asText()).isEqualTo("shop");
  }

  @Test
  void leavesManifestsThatAreNotSecretsUntouched() {
    ObjectNode configMap =
        EventExamples.json(
            """
            {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "checkout", "annotations": {
               "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
             "data": {"password": "not-a-secret"}}
            """);
    ObjectNode lookalike =
        EventExamples.json(
            """
            {"apiVersion": "example.com/v1", "kind": "Secret", "data": {"password": "cGxhaW4="}}
            """);
    ObjectNode configMapBefore = configMap.deepCopy();
    ObjectNode lookalikeBefore = lookalike.deepCopy();

    assertThat(protector.protectManifest(configMap, true)).isEqualTo(configMapBefore);
    assertThat(protector.protectManifest(lookalike, true)).isEqualTo(lookalikeBefore);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void protectingTwiceChangesNothingMore(boolean seal) {
    ObjectNode once = protector.protectManifest(secret(), seal);
    ObjectNode copy = once.deepCopy();

    assertThat(protector.protectManifest(copy, seal)).isEqualTo(once);
  }

  @Test
  void aSealedValueOpensOnlyInTheSecretAndUnderTheKeyItWasSealedFor() {
    ObjectNode prod = protector.protectManifest(secret(), true);
    String sealed = prod.get("data").get("password").asText();
    ObjectNode other = secret();
    ((ObjectNode) other.get("metadata")).put("name", "stolen");

    assertThat(protector.unseal(sealed, SecretProtector.place(prod, "password")))
        .isEqualTo(bytes(PASSWORD));
    assertThatThrownBy(() -> protector.unseal(sealed, SecretProtector.place(other, "password")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not open here")
        .hasMessageNotContaining(PASSWORD);
    assertThatThrownBy(() -> protector.unseal(sealed, SecretProtector.place(prod, "username")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnboundValueFromAnOlderLogStillOpensAndHasTheSameFingerprint() {
    String old = protector.sealUnbound(bytes(PASSWORD));

    assertThat(old).startsWith(SecretProtector.SEALED_V1_PREFIX);
    assertThat(protector.unseal(old, PLACE)).isEqualTo(bytes(PASSWORD));
    assertThat(SecretProtector.fingerprintOf(old))
        .isEqualTo(SecretProtector.fingerprintOf(protector.seal(bytes(PASSWORD), PLACE)));
  }

  @Test
  void anotherKeyCannotUnseal() {
    String sealed = protector.seal(bytes(PASSWORD), PLACE);

    assertThatThrownBy(() -> new SecretProtector(OTHER_KEY).unseal(sealed, PLACE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not open here");
  }

  @Test
  void tamperedCiphertextCannotBeUnsealed() {
    String sealed = protector.seal(bytes(PASSWORD), PLACE);
    int colon = sealed.lastIndexOf(':');
    byte[] ciphertext = Base64.getUrlDecoder().decode(sealed.substring(colon + 1));
    // Flip one bit of the encrypted value itself (after the 12-byte nonce), not of the base64 text:
    // the last base64 character can carry only padding bits that decoding ignores.
    ciphertext[14] ^= 1;
    String tampered =
        sealed.substring(0, colon + 1)
            + Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext);

    assertThatThrownBy(() -> protector.unseal(tampered, PLACE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hashedAndPlainValuesCannotBeUnsealed() {
    assertThatThrownBy(() -> protector.unseal(protector.hash(bytes(PASSWORD)), PLACE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> protector.unseal(PASSWORD, PLACE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> protector.unseal(SecretProtector.SEALED_PREFIX + "abc:AAAA", PLACE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void findsNoFingerprintInPlainText() {
    assertThat(SecretProtector.fingerprintOf(PASSWORD)).isEmpty();
    assertThat(SecretProtector.fingerprintOf(null)).isEmpty();
  }

  @Test
  void acceptsBase64WrappedOverSeveralLines() {
    String wrapped = base64(PASSWORD).substring(0, 8) + "\n" + base64(PASSWORD).substring(8) + "\n";
    ObjectNode manifest = liveSecret(PASSWORD);
    ((ObjectNode) manifest.get("data")).put("password", wrapped);

    protector.protectManifest(manifest, false);

    assertThat(fingerprint(manifest, "password")).isEqualTo(protector.fingerprint(bytes(PASSWORD)));
  }

  @Test
  void rejectsDataValueThatIsNotBase64() {
    ObjectNode manifest = liveSecret(PASSWORD);
    ((ObjectNode) manifest.get("data")).put("password", "hunter2!");

    assertThatThrownBy(() -> protector.protectManifest(manifest, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data.password")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void rejectsDataValueThatIsNotAString() {
    ObjectNode manifest = liveSecret(PASSWORD);
    ((ObjectNode) manifest.get("data")).put("password", 42);

    assertThatThrownBy(() -> protector.protectManifest(manifest, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsKeyShorterThan32Bytes() {
    assertThatThrownBy(() -> new SecretProtector(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretProtector(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A Secret as written in Git: data, stringData and kubectl's annotation with every value. */
  private static ObjectNode secret() {
    ObjectNode secret =
        EventExamples.json(
            """
            {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
             "metadata": {"name": "checkout-db", "namespace": "shop",
               "annotations": {"team": "shop"}},
             "data": {},
             "stringData": {}}
            """);
    ((ObjectNode) secret.get("data"))
        .put("password", base64(PASSWORD))
        .put("username", base64(USERNAME));
    ((ObjectNode) secret.get("stringData")).put("api-token", API_TOKEN);
    ((ObjectNode) secret.get("metadata").get("annotations"))
        .put(SecretProtector.LAST_APPLIED, secret.deepCopy().toString());
    return secret;
  }

  /** The same Secret as the API server returns it: everything base64 in data. */
  private static ObjectNode liveSecret(String password) {
    ObjectNode secret =
        EventExamples.json(
            """
            {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
             "metadata": {"name": "checkout-db", "namespace": "shop", "resourceVersion": "884301"},
             "data": {}}
            """);
    ((ObjectNode) secret.get("data"))
        .put("password", base64(password))
        .put("username", base64(USERNAME))
        .put("api-token", base64(API_TOKEN));
    return secret;
  }

  private static String fingerprint(ObjectNode manifest, String key) {
    return SecretProtector.fingerprintOf(manifest.get("data").get(key).asText()).orElseThrow();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(bytes(text));
  }
}
