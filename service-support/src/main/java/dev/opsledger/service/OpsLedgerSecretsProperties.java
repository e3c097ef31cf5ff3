package dev.opsledger.service;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The fleet's secret key ({@code opsledger.secrets.*}), which seals desired Secret values and keys
 * their fingerprints. Every service of a fleet must use the same key. Give it as a file (preferred:
 * a mounted Kubernetes Secret) or as base64 in {@code OPSLEDGER_SECRETS_KEY}.
 *
 * @param keyFile A file holding the key: at least 32 bytes, raw or base64.
 * @param key The key as base64 (at least 32 bytes decoded); {@code keyFile} wins when both are set.
 */
@ConfigurationProperties("opsledger.secrets")
public record OpsLedgerSecretsProperties(Path keyFile, String key) {

  /** Never print the key. */
  @Override
  public String toString() {
    return "OpsLedgerSecretsProperties[keyFile="
        + keyFile
        + ", key="
        + (key == null ? "unset" : "***")
        + "]";
  }
}
