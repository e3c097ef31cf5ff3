package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamoDbEmulatorTest {

  @TempDir Path checkout;

  @Test
  void findsDynaliteOfTestkitAwsFromASiblingModule() throws IOException {
    Path cli = install(checkout.resolve("testkit-aws/node"));
    Path sibling = Files.createDirectories(checkout.resolve("state-collector"));

    assertThat(DynamoDbEmulator.findCli(sibling)).contains(cli);
  }

  @Test
  void findsDynaliteFromTestkitAwsItself() throws IOException {
    Path cli = install(checkout.resolve("testkit-aws/node"));

    assertThat(DynamoDbEmulator.findCli(checkout.resolve("testkit-aws"))).contains(cli);
  }

  @Test
  void findsNothingWhenDynaliteIsNotInstalled() throws IOException {
    Files.createDirectories(checkout.resolve("testkit-aws/node"));

    assertThat(DynamoDbEmulator.findCli(checkout.resolve("testkit-aws"))).isEmpty();
  }

  private static Path install(Path nodeDir) throws IOException {
    Path cli = nodeDir.resolve("node_modules/dynalite/cli.js");
    Files.createDirectories(cli.getParent());
    return Files.writeString(cli, "// stand-in\n");
  }
}
