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
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
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

  private final Path dataDir;
  private final int requestedBrokerPort;
  private final int requestedControllerPort;
  private final Map<String, String> overrides;

  private KafkaRaftServer server;
  private int brokerPort;
  private int controllerPort;
  private Duration lastStartDuration = Duration.ZERO;

  private EmbeddedKafkaBroker(Builder b) {
    this.dataDir = b.dataDir;
    this.requestedBrokerPort = b.brokerPort;
    this.requestedControllerPort = b.controllerPort;
    this.overrides = Map.copyOf(b.overrides);
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
    brokerPort = requestedBrokerPort > 0 ? requestedBrokerPort : freePort();
    controllerPort = requestedControllerPort > 0 ? requestedControllerPort : freePort();
    Path logDir = dataDir.resolve("kafka-logs");
    KafkaConfig config = new KafkaConfig(brokerProperties(logDir), false);
    try {
      Files.createDirectories(logDir);
      formatIfNew(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data dir " + logDir, e);
    }
    KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      s.startup();
    } catch (RuntimeException e) {
      s.shutdown();
      throw new IllegalStateException("the embedded Kafka broker did not start: " + e, e);
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
    p.put(
        "listeners",
        "PLAINTEXT://"
            + LOOPBACK
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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

    private Builder() {}

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
}
