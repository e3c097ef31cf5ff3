package dev.opsledger.notifier;

import dev.opsledger.testkit.ConfigurationReference;
import dev.opsledger.testkit.ServiceLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The service is documented and laid out like every other one. */
class ServiceConventionsTest {

  @Test
  void readmeConfigurationTableListsExactlyTheBoundPropertiesWithTheirDefaults() {
    ConfigurationReference.assertDocumented(Path.of("README.md"), "opsledger.notifier");
  }

  @Test
  void applicationConfigurationPropertiesAndMetricsSitAtThePackageRoot() {
    ServiceLayout.assertConventional(NotifierApplication.class);
  }
}
