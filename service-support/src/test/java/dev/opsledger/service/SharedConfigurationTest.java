package dev.opsledger.service;

import dev.opsledger.testkit.ConfigurationReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration every service shares is documented in the root README. */
class SharedConfigurationTest {

  @Test
  void rootReadmeListsExactlyTheSharedPropertiesWithTheirDefaults() {
    ConfigurationReference.assertDocumented(
        Path.of("../README.md"), "opsledger.kafka", "opsledger.secrets", "opsledger.tracing");
  }
}
