package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.events.SecretProtector;
import java.util.Map;
import java.util.Optional;

/**
 * Compares the values of a Kubernetes {@code Secret} by fingerprint.
 *
 * <p>Plain Secret values never reach the differ: the desired manifest carries sealed values and the
 * live object hashed ones (see {@link SecretProtector}). Both carry the keyed fingerprint of the
 * plain value, so a sealed desired value and a hashed live value with the same fingerprint mean the
 * same value: the live one is then made to read exactly as the desired one, and the diff sees no
 * change. Different fingerprints stay different, so a changed value is reported (and masked in the
 * readable diff).
 *
 * <p>A value that is not protected cannot be compared without the fleet's key, which the differ
 * does not hold: such a Secret is not comparable, and the message names the key, never the value.
 */
public final class SecretsNormalizer implements Normalizer {

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    ObjectNode desired = comparison.desired();
    if (!SecretProtector.isSecret(desired)) {
      return;
    }
    if (desired.get("stringData") instanceof ObjectNode stringData && !stringData.isEmpty()) {
      throw new NotComparableException(
          "the desired Secret has stringData: its values must be sealed into data before the"
              + " differ sees them");
    }
    if (!(desired.get("data") instanceof ObjectNode desiredData)) {
      return;
    }
    JsonNode liveData = comparison.live().get("data");
    for (Map.Entry<String, JsonNode> e : desiredData.properties()) {
      String key = e.getKey();
      Optional<String> wanted = fingerprint(e.getValue(), "desired", key);
      JsonNode liveValue = liveData instanceof ObjectNode ld ? ld.get(key) : null;
      if (wanted.isEmpty() || liveValue == null || liveValue.isNull()) {
        continue;
      }
      Optional<String> actual = fingerprint(liveValue, "live", key);
      if (wanted.equals(actual)) {
        ((ObjectNode) liveData).set(key, e.getValue().deepCopy());
      }
    }
  }

  /** The fingerprint of a protected value; empty for {@code null}. */
  private static Optional<String> fingerprint(JsonNode value, String side, String key)
      throws NotComparableException {
    if (value.isNull()) {
      return Optional.empty();
    }
    Optional<String> fp =
        value.isTextual() ? SecretProtector.fingerprintOf(value.asText()) : Optional.empty();
    if (fp.isEmpty()) {
      throw new NotComparableException(
          "the "
              + side
              + " Secret value data."
              + key
              + " is not "
              + ("desired".equals(side) ? "sealed" : "hashed")
              + " (the differ compares Secret values by fingerprint only)");
    }
    return fp;
  }
}
