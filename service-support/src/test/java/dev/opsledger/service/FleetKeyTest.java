package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.SecretProtector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A service that seals, hashes or opens Secret values refuses to start without the fleet's key
 * (before, it used a random key of its own and sealed values nobody else could open); a service
 * that does not is not given the key and starts.
 */
class FleetKeyTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(OpsLedgerServiceAutoConfiguration.class))
          .withPropertyValues("opsledger.kafka.create-topics=false");

  /** Stands for the git-watcher, the state-collector or the applier: it needs the protector. */
  @Configuration(proxyBeanMethods = false)
  static class SealingService {
    @Bean
    String sealer(SecretProtector protector) {
      return protector.fingerprint(new byte[] {1});
    }
  }

  @Test
  void aServiceThatSealsRefusesToStartWithoutTheKeyAndSaysHowToGiveIt() {
    runner
        .withUserConfiguration(SealingService.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("needs the fleet's key")
                  .hasMessageContaining("opsledger.secrets.key-file")
                  .hasMessageContaining("OPSLEDGER_SECRETS_KEY");
            });
  }

  @Test
  void aServiceThatNeverTouchesSecretValuesStartsWithoutTheKey() {
    runner.run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void aServiceThatSealsStartsWithTheKeyFromAFileOrTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, Base64.getEncoder().encodeToString(new byte[32]));
    runner
        .withUserConfiguration(SealingService.class)
        .withPropertyValues("opsledger.secrets.key-file=" + file)
        .run(context -> assertThat(context).hasNotFailed().hasBean("sealer"));
    runner
        .withUserConfiguration(SealingService.class)
        .withPropertyValues(
            "opsledger.secrets.key=" + Base64.getEncoder().encodeToString(new byte[32]))
        .run(context -> assertThat(context).hasNotFailed().hasBean("sealer"));
  }
}
