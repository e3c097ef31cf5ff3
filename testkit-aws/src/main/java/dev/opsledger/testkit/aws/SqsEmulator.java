package dev.opsledger.testkit.aws;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * SQS on loopback: <a href="https://github.com/softwaremill/elasticmq">ElasticMQ</a>'s REST server
 * in this JVM, in memory, with ElasticMQ's strict SQS limits (queue names, message sizes, batch
 * sizes). It speaks both the AWS JSON 1.0 protocol, which SDK v2 {@link SqsClient} uses, and the
 * older Query protocol. Queue URLs ({@code http://127.0.0.1:PORT/000000000000/NAME}) and ARNs carry
 * account {@link AwsTestClients#ACCOUNT_ID}; ARNs carry region {@code us-east-1}.
 *
 * <p>Emulated, and covered by {@code SqsEmulatorIT}: create (standard and FIFO, with attributes and
 * tags; re-creating a name with other attributes is {@code QueueNameExists}), get queue URL, list,
 * get and set attributes ({@code VisibilityTimeout}, {@code DelaySeconds}, {@code
 * ReceiveMessageWaitTimeSeconds}, {@code RedrivePolicy}, FIFO and deduplication settings, the
 * read-only counters and timestamps), tag, untag, list tags and delete queues; messages (send,
 * receive, delete, visibility, batches, dead-letter queues).
 *
 * <p>Not emulated (ElasticMQ 1.7.1): {@code MessageRetentionPeriod}, {@code MaximumMessageSize},
 * {@code Policy}, {@code KmsMasterKeyId} and {@code SqsManagedSseEnabled} are accepted by create
 * and set but neither kept nor returned, so a state collector sees them absent; attribute values
 * are not range-checked (a {@code VisibilityTimeout} of 43201 is accepted); a deleted queue's name
 * can be reused at once (SQS blocks it for 60 s); signatures and permissions are not checked and
 * {@code AddPermission} has no effect. Cover those with real SQS in an {@code *E2E} profile.
 */
public final class SqsEmulator implements AwsEmulator {

  /** Pekko logs through SLF4J at WARN, instead of printing INFO lines to stdout. */
  private static final String PEKKO_CONFIG =
      """
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      pekko.loglevel = WARNING
      pekko.stdout-loglevel = OFF
      pekko.log-dead-letters = off
      pekko.log-dead-letters-during-shutdown = off
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      """;

  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final ActorSystem actorSystem;
  private final SQSRestServer server;
  private final URI endpoint;
  private boolean closed;

  private SqsEmulator(ActorSystem actorSystem, SQSRestServer server, URI endpoint) {
    this.actorSystem = actorSystem;
    this.server = server;
    this.endpoint = endpoint;
  }

  /** Starts ElasticMQ on {@code 127.0.0.1} on a free port, with no queues. */
  public static SqsEmulator start() {
    ClassLoader loader = SqsEmulator.class.getClassLoader();
    Config config =
        ConfigFactory.parseString(PEKKO_CONFIG).withFallback(ConfigFactory.load(loader));
    ActorSystem actorSystem = ActorSystem.create("opsledger-sqs", config, loader);
    try {
      SQSRestServer server =
          SQSRestServerBuilder.withActorSystem(actorSystem)
              .withInterface(Loopback.HOST)
              .withDynamicPort()
              .withAWSRegion(AwsTestClients.REGION.id())
              .withAWSAccountId(AwsTestClients.ACCOUNT_ID)
              .start();
      int port = server.waitUntilStarted().localAddress().getPort();
      return new SqsEmulator(actorSystem, server, Loopback.uri(port));
    } catch (RuntimeException e) {
      terminate(actorSystem);
      throw e;
    }
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** A builder with region, fake credentials and the endpoint already set. */
  public SqsClientBuilder clientBuilder() {
    return AwsTestClients.configure(SqsClient.builder(), endpoint);
  }

  /** A new client from {@link #clientBuilder()}; the caller closes it. */
  public SqsClient newClient() {
    return clientBuilder().build();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stopAndWait();
    } finally {
      terminate(actorSystem);
    }
  }

  private static void terminate(ActorSystem actorSystem) {
    actorSystem.terminate();
    try {
      actorSystem
          .getWhenTerminated()
          .toCompletableFuture()
          .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("ElasticMQ's actor system did not stop", e);
    }
  }
}
