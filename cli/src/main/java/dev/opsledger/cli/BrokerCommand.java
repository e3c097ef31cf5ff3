package dev.opsledger.cli;

import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger broker}: the embedded single-node Kafka broker that {@code up} runs, alone in a
 * process of its own, until it is stopped (SIGTERM or Ctrl-C, after which its log is flushed and
 * closed). {@code up --bootstrap-servers} and the services can then run against a broker that
 * outlives them, and the broker can be stopped and started under them. For a development machine:
 * one node, no replication, plaintext on loopback.
 */
@Command(
    name = "broker",
    description =
        "Run the embedded Kafka broker alone, for 'up --bootstrap-servers' or the services.")
public class BrokerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description = "where the broker keeps its log (default: ${DEFAULT-VALUE})",
      defaultValue = ".opsledger-broker")
  Path dataDir;

  @Option(
      names = "--port",
      description =
          "broker port on 127.0.0.1; the controller uses the next one (default: ${DEFAULT-VALUE})",
      defaultValue = "19092")
  int port;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path data = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(data);
    // Before the first logger exists: the broker's log lines go beside its data, errors to stderr.
    System.setProperty("opsledger.log.file", data.resolve("broker.log").toString());
    Launcher.requireFree(port, "--port");
    Launcher.requireFree(port + 1, "--port (controller: port + 1)");
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(data)
            .brokerPort(port)
            .controllerPort(port + 1)
            .build();
    Thread hook =
        new Thread(
            () -> {
              stopped.countDown();
              broker.close();
            },
            "opsledger-broker-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    broker.start();
    out.println(
        "Kafka broker is up on "
            + broker.bootstrapServers()
            + " (log in "
            + data
            + "); run: opsledger up --bootstrap-servers "
            + broker.bootstrapServers());
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
