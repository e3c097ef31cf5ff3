package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretsNormalizerTest {

  private static final SecretProtector PROTECTOR =
      new SecretProtector(
          "a-test-key-of-at-least-thirty-two-bytes!".getBytes(StandardCharsets.UTF_8));

  private final SecretsNormalizer normalizer = new SecretsNormalizer();

  private static String sealed(String plain) {
    return PROTECTOR.seal(plain.getBytes(StandardCharsets.UTF_8), "Secret apps/s data.k");
  }

  private static String hashed(String plain) {
    return PROTECTOR.hash(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static String secret(String dataYaml) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: db, namespace: shop}
        type: Opaque
        data:
        """
        + dataYaml;
  }

  @Test
  void aSealedAndAHashedValueOfTheSamePlainValueAreEqual() throws NotComparableException {
    String seal = sealed("hunter2");
    Comparison c =
        Comparisons.of(
            secret("  password: " + seal + "\n"),
            secret("  password: " + hashed("hunter2") + "\n"));

    normalizer.normalize(c);

    assertThat(c.live().at("/data/password").asText()).isEqualTo(seal);
  }

  @Test
  void differentPlainValuesStayDifferent() throws NotComparableException {
    String hash = hashed("hunter3");
    Comparison c =
        Comparisons.of(
            secret("  password: " + sealed("hunter2") + "\n"),
            secret("  password: " + hash + "\n"));

    normalizer.normalize(c);

    assertThat(c.live().at("/data/password").asText()).isEqualTo(hash);
  }

  @Test
  void aPlainDesiredValueCannotBeComparedAndIsNotRepeated() {
    Comparison c =
        Comparisons.of(
            secret("  password: aHVudGVyMg==\n"),
            secret("  password: " + hashed("hunter2") + "\n"));

    assertThatThrownBy(() -> normalizer.normalize(c))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("data.password")
        .hasMessageContaining("not sealed")
        .hasMessageNotContaining("aHVudGVyMg");
  }

  @Test
  void aPlainLiveValueCannotBeCompared() {
    Comparison c =
        Comparisons.of(
            secret("  password: " + sealed("hunter2") + "\n"),
            secret("  password: aHVudGVyMg==\n"));

    assertThatThrownBy(() -> normalizer.normalize(c))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("live Secret value data.password is not hashed");
  }

  @Test
  void stringDataMustHaveBeenSealedIntoData() {
    String desired =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        stringData: {password: hunter2}
        """;
    Comparison c = Comparisons.of(desired, secret("  password: " + hashed("hunter2") + "\n"));

    assertThatThrownBy(() -> normalizer.normalize(c))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("stringData")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void leavesOtherKindsAlone() throws NotComparableException {
    String cm =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        data: {password: plain}
        """;
    Comparison c = Comparisons.of(cm, cm);

    normalizer.normalize(c);

    assertThat(c.desired().at("/data/password").asText()).isEqualTo("plain");
  }
}
