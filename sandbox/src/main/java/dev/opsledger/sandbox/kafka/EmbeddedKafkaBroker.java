package dev.opsledger.sandbox.kafka;

import dev.opsledger.events.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft combined mode) in this JVM, on loopback, with its log in a
 * directory. Start it with {@link #start()}, stop it with {@link #close()}; a new instance on the
 * same directory finds every record and committed offset again.
 *
 * <pre>{@code
 * try (var broker = EmbeddedKafkaBroker.builder().dataDir(dir).build().start()) {
 *   String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String SCRAM = "SCRAM-SHA-512";
  private static final String PLAIN_LOGIN =
      "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final String SCRAM_LOGIN =
      "org.apache.kafka.common.security.scram.ScramLoginModule";

  private final Path dataDir;
  private final int requestedBrokerPort;
  private final int requestedControllerPort;
  private final Map<String, String> overrides;
  private final SaslAdmin sasl;

  private KafkaRaftServer server;
  private int brokerPort;
  private int controllerPort;
  private Duration lastStartDuration = Duration.ZERO;

  private EmbeddedKafkaBroker(Builder b) {
    this.dataDir = b.dataDir;
    this.requestedBrokerPort = b.brokerPort;
    this.requestedControllerPort = b.controllerPort;
    this.overrides = Map.copyOf(b.overrides);
    this.sasl = b.sasl;
  }

  /** A builder; the data directory is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if it is new, then starts the broker and waits until it serves.
   *
   * @return this broker
   * @throws IllegalStateException when it is already running or cannot start
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("the broker is already running");
    }
    long t0 = System.nanoTime();
    Path logDir = dataDir.resolve("kafka-logs");
    KafkaRaftServer s = null;
    for (int attempt = 1; s == null; attempt++) {
      brokerPort = requestedBrokerPort > 0 ? requestedBrokerPort : freePort();
      controllerPort = requestedControllerPort > 0 ? requestedControllerPort : freePort();
      KafkaConfig config = new KafkaConfig(brokerProperties(logDir), false);
      try {
        Files.createDirectories(logDir);
        formatIfNew(logDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare Kafka data dir " + logDir, e);
      }
      KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        candidate.startup();
        s = candidate;
      } catch (RuntimeException e) {
        candidate.shutdown();
        // A free port found is free only until someone else binds it (any client's ephemeral
        // port on a busy machine): with ports of its own choosing, the broker picks others.
        boolean ownPorts = requestedBrokerPort == 0 && requestedControllerPort == 0;
        if (!ownPorts || attempt >= 3 || !causedByBind(e)) {
          throw new IllegalStateException("the embedded Kafka broker did not start: " + e, e);
        }
        LOG.warn("embedded Kafka broker: a port was taken meanwhile ({}), trying others", e);
      }
    }
    server = s;
    lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
    LOG.info(
        "embedded Kafka broker on {} (data {}) started in {} ms",
        bootstrapServers(),
        dataDir,
        lastStartDuration.toMillis());
    return this;
  }

  /** {@code 127.0.0.1:<port>} of the running broker. */
  public String bootstrapServers() {
    if (server == null) {
      throw new IllegalStateException("the broker is not running");
    }
    return LOOPBACK + ":" + brokerPort;
  }

  /**
   * Whether clients must authenticate: the client listener is {@code SASL_PLAINTEXT} with PLAIN
   * (the administrator only) and SCRAM-SHA-512 (users added with {@link #addScramUser}).
   */
  public boolean sasl() {
    return sasl != null;
  }

  /**
   * The client properties of the administrator given to {@link Builder#sasl}; empty for a broker
   * without SASL.
   */
  public Map<String, String> adminClientProperties() {
    if (sasl == null) {
      return Map.of();
    }
    return Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", jaas(PLAIN_LOGIN, sasl.user(), sasl.password(), ""));
  }

  /** The client properties of a SCRAM-SHA-512 user, as a Strimzi {@code KafkaUser} gets them. */
  public static Map<String, String> scramClientProperties(String user, String password) {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        SCRAM,
        "sasl.jaas.config",
        jaas(SCRAM_LOGIN, user, password, ""));
  }

  /**
   * Creates or updates a SCRAM-SHA-512 user and waits until the broker accepts its password.
   *
   * @throws IllegalStateException when the broker has no SASL or does not accept the user in time
   */
  public void addScramUser(String user, String password) {
    if (sasl == null) {
      throw new IllegalStateException("the broker was built without sasl(...)");
    }
    Map<String, Object> admin = new HashMap<>(adminClientProperties());
    admin.put("bootstrap.servers", bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      a.alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot add SCRAM user " + user + ": " + e, e);
    }
    awaitLogin(user, password);
  }

  /** The credential reaches the broker through the metadata log, a moment after the controller. */
  private void awaitLogin(String user, String password) {
    Map<String, Object> client = new HashMap<>(scramClientProperties(user, password));
    client.put("bootstrap.servers", bootstrapServers());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin a = Admin.create(client)) {
        a.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("the broker did not accept SCRAM user " + user, last);
  }

  private static String jaas(String module, String user, String password, String more) {
    return module
        + " required username=\""
        + user
        + "\" password=\""
        + password
        + "\""
        + more
        + ";";
  }

  /** Whether the broker is running. */
  public synchronized boolean running() {
    return server != null;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** How long the last {@link #start()} took, formatting included. */
  public Duration lastStartDuration() {
    return lastStartDuration;
  }

  /** Stops the broker and waits until it has shut down; the data stays on disk. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    KafkaRaftServer s = server;
    server = null;
    s.shutdown();
    s.awaitShutdown();
    LOG.info("embedded Kafka broker on port {} stopped", brokerPort);
  }

  private Properties brokerProperties(Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
    String client = sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
    p.put(
        "listeners",
        client
            + "://"
            + LOOPBACK
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", client + "://" + LOOPBACK + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", client);
    p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    if (sasl != null) {
      saslProperties(p);
    }
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A single node: no replica to wait for, and a consumer group must form at once.
    p.put("min.insync.replicas", "1");
    // The cleaner's default 128 MiB dedupe buffer is wasted on a sandbox.
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("message.max.bytes", Integer.toString(Topic.MAX_RECORD_BYTES + 1024 * 1024));
    p.put("replica.fetch.max.bytes", Integer.toString(Topic.MAX_RECORD_BYTES + 1024 * 1024));
    p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("controlled.shutdown.enable", "true");
    p.put("auto.create.topics.enable", "true");
    p.putAll(overrides);
    return p;
  }

  /**
   * PLAIN for the administrator, who is also the broker's own identity on its listener (a SCRAM
   * user cannot exist before the broker that stores it has started), and SCRAM-SHA-512 for every
   * other user. The controller listener stays plaintext on loopback: it serves no produce or fetch.
   */
  private void saslProperties(Properties p) {
    String listener = "listener.name.sasl_plaintext.";
    p.put("sasl.enabled.mechanisms", "PLAIN," + SCRAM);
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put(
        listener + "plain.sasl.jaas.config",
        jaas(
            PLAIN_LOGIN,
            sasl.user(),
            sasl.password(),
            " user_" + sasl.user() + "=\"" + sasl.password() + "\""));
    p.put(listener + "scram-sha-512.sasl.jaas.config", SCRAM_LOGIN + " required;");
  }

  private void formatIfNew(Path logDir) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    try (PrintStream quiet = new PrintStream(PrintStream.nullOutputStream())) {
      new Formatter()
          .setPrintStream(quiet)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setUnstableFeatureVersionsEnabled(false)
          .setIgnoreFormatted(true)
          .run();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot format " + logDir + ": " + e.getMessage(), e);
    }
    LOG.info("formatted new Kafka data dir {} (cluster {})", logDir, clusterId);
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }

  /** Builds an {@link EmbeddedKafkaBroker}. */
  public static final class Builder {
    private Path dataDir;
    private int brokerPort;
    private int controllerPort;
    private final Map<String, String> overrides = new HashMap<>();
    private SaslAdmin sasl;

    private Builder() {}

    /**
     * Clients must authenticate with SASL ({@code SASL_PLAINTEXT}): this administrator with PLAIN,
     * other users with SCRAM-SHA-512 once added ({@link EmbeddedKafkaBroker#addScramUser}). Without
     * it (the default) the listener is {@code PLAINTEXT}.
     */
    public Builder sasl(String adminUser, String adminPassword) {
      this.sasl = new SaslAdmin(adminUser, adminPassword);
      return this;
    }

    /** Where the log lives; created if absent. Required. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** The client port; 0 (the default) picks a free one at each start. */
    public Builder brokerPort(int port) {
      this.brokerPort = port;
      return this;
    }

    /** The controller port; 0 (the default) picks a free one at each start. */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** Overrides one broker configuration property. */
    public Builder brokerProperty(String name, String value) {
      overrides.put(name, value);
      return this;
    }

    /** The broker, not yet started. */
    public EmbeddedKafkaBroker build() {
      if (dataDir == null) {
        throw new IllegalStateException("the embedded broker needs a data directory");
      }
      return new EmbeddedKafkaBroker(this);
    }
  }

  private record SaslAdmin(String user, String password) {}
}
