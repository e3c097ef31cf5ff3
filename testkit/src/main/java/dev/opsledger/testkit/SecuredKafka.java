package dev.opsledger.testkit;

import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second, SASL-secured broker per test JVM, started on first use only, so tests that do not ask
 * for it pay nothing: the sandbox's in-process broker with a {@code SASL_PLAINTEXT} loopback
 * listener, an administrator on PLAIN and users on SCRAM-SHA-512, as a Strimzi cluster gives its
 * {@code KafkaUser}s. The shared plaintext broker ({@link SharedKafka}) is unchanged.
 *
 * <pre>{@code
 * KafkaConnection alice = SecuredKafka.get().user("alice", "alice-secret");
 * }</pre>
 */
public final class SecuredKafka {

  private static SecuredKafka instance;

  private final EmbeddedKafkaBroker broker;

  private SecuredKafka(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  /** The secured broker, started on first use; it stops when the JVM exits. */
  public static synchronized SecuredKafka get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("opsledger-test-kafka-sasl");
        EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .dataDir(dir)
                .sasl("admin", "admin-" + Long.toHexString(System.nanoTime()))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "secured-kafka-stop"));
        instance = new SecuredKafka(broker);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for the secured broker", e);
      }
    }
    return instance;
  }

  /** The SASL listener's address. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The administrator's connection (PLAIN), for fixtures that create topics or read anything. */
  public KafkaConnection admin() {
    return new KafkaConnection(broker.bootstrapServers(), broker.adminClientProperties());
  }

  /**
   * A SCRAM-SHA-512 user's connection, created (or its password set) first.
   *
   * @param user the user name
   * @param password the password
   */
  public synchronized KafkaConnection user(String user, String password) {
    broker.addScramUser(user, password);
    return connection(user, password);
  }

  /**
   * The connection of a SCRAM-SHA-512 user as given, without creating it: with a wrong password,
   * the connection that must be refused.
   */
  public KafkaConnection connection(String user, String password) {
    return new KafkaConnection(
        broker.bootstrapServers(), EmbeddedKafkaBroker.scramClientProperties(user, password));
  }
}
