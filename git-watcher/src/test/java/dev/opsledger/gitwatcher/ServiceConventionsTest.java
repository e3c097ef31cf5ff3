package dev.opsledger.gitwatcher;

import dev.opsledger.testkit.ConfigurationReference;
import dev.opsledger.testkit.ServiceLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The service is documented and laid out like every other one. */
class ServiceConventionsTest {

  @Test
  void readmeConfigurationTableListsExactlyTheBoundPropertiesWithTheirDefaults() {
    ConfigurationReference.assertDocumented(Path.of("README.md"), "opsledger.git-watcher");
  }

  @Test
  void applicationConfigurationPropertiesAndMetricsSitAtThePackageRoot() {
    ServiceLayout.assertConventional(GitWatcherApplication.class);
  }
}
