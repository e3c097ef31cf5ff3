package dev.opsledger.differ;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the differ's integration tests share: inputs, a diffs reader, and the event store. */
public final class ItSupport {

  private static final Logger LOG = LoggerFactory.getLogger(ItSupport.class);
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

  private ItSupport() {}

  /** A ConfigMap manifest with one data value. */
  public static JsonNode manifest(ResourceKey key, String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", key.kind());
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    m.putObject("data").put("mode", value);
    return m;
  }

  /** The same ConfigMap as the API server returns it. */
  public static JsonNode live(ResourceKey key, String value, String resourceVersion) {
    ObjectNode l = (ObjectNode) manifest(key, value);
    ((ObjectNode) l.get("metadata"))
        .put("resourceVersion", resourceVersion)
        .put("uid", "uid-" + key.name())
        .put("creationTimestamp", "2026-01-01T00:00:00Z");
    return l;
  }

  /** A desired state event as written before sequences existed. */
  public static EventEnvelope<OpsLedgerEvent> desired(
      ResourceKey key, String revision, JsonNode manifest, Instant committedAt) {
    return desired(key, revision, manifest, committedAt, null);
  }

  /** A desired state event of the revision the git-watcher recorded {@code sequence}th. */
  public static EventEnvelope<OpsLedgerEvent> desired(
      ResourceKey key, String revision, JsonNode manifest, Instant committedAt, Long sequence) {
    return EventEnvelope.create(
        "/opsledger/test",
        revision,
        new DesiredStateChanged(
            key,
            "src-" + key.target(),
            revision,
            "apps/" + key.name() + ".yaml",
            CanonicalJson.hash(manifest),
            manifest,
            new Person("Ada", "ada@example.com"),
            committedAt,
            null,
            sequence));
  }

  /** A desired removal event. */
  public static EventEnvelope<OpsLedgerEvent> removed(
      ResourceKey key, String revision, Instant committedAt) {
    return EventEnvelope.create(
        "/opsledger/test",
        revision,
        new DesiredStateRemoved(
            key,
            "src-" + key.target(),
            revision,
            "apps/" + key.name() + ".yaml",
            new Person("Ada", "ada@example.com"),
            committedAt,
            null));
  }

  /** An observed state event (managed). */
  public static EventEnvelope<OpsLedgerEvent> observed(ResourceKey key, JsonNode live) {
    return observed(key, live, null);
  }

  /** An observed state event (managed) of the object with this uid. */
  public static EventEnvelope<OpsLedgerEvent> observed(ResourceKey key, JsonNode live, String uid) {
    return EventEnvelope.create(
        "/opsledger/test",
        "",
        new ObservedStateChanged(
            key, Instant.now(), "1", CanonicalJson.hash(live), live, true, uid));
  }

  /** An absence event. */
  public static EventEnvelope<OpsLedgerEvent> absent(ResourceKey key) {
    return EventEnvelope.create(
        "/opsledger/test", "", new ObservedStateAbsent(key, Instant.now(), "deleted"));
  }

  /** Publishes and waits. */
  public static void send(EventPublisher publisher, List<EventEnvelope<OpsLedgerEvent>> events) {
    publisher.publishAll(events, Duration.ofSeconds(30));
  }

  /** Reads {@code opsledger.diffs} with its own group, keeping the events of one target. */
  public static final class DiffsReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String target;
    private final EventCodec codec = new EventCodec();
    private final List<EventEnvelope<OpsLedgerEvent>> events = new ArrayList<>();

    /** Starts reading from the beginning. */
    public DiffsReader(String target) {
      this.target = target;
      this.consumer =
          new KafkaConsumer<>(
              KafkaSettings.consumer(SharedKafka.bootstrapServers(), "diffs-" + UUID.randomUUID()));
      consumer.subscribe(List.of(Topic.DIFFS.topicName()));
    }

    /** Polls once and answers everything read so far for the target. */
    public synchronized List<EventEnvelope<OpsLedgerEvent>> poll() {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.key() != null && r.key().startsWith(target + "/")) {
          try {
            events.add(codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return List.copyOf(events);
    }

    /** The events read so far for one resource. */
    public synchronized List<EventEnvelope<OpsLedgerEvent>> of(ResourceKey key) {
      return events.stream().filter(e -> e.subject().equals(key.toString())).toList();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /**
   * An event store for one test: a PostgreSQL database of its own when 127.0.0.1:5432 answers (a
   * schema is not enough: Hibernate's schema update then finds another test's sequence and creates
   * none), else an H2 file.
   */
  public static final class TestDatabase implements AutoCloseable {
    private final String schema;
    private final String user;
    private final Path h2Dir;

    private TestDatabase(String schema, String user, Path h2Dir) {
      this.schema = schema;
      this.user = user;
      this.h2Dir = h2Dir;
    }

    /** A fresh, empty database. */
    public static TestDatabase create() {
      String schema = "differ_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      for (String user : List.of("postgres", "root")) {
        try (Connection c = DriverManager.getConnection(PG, user, "")) {
          c.createStatement().execute("CREATE DATABASE " + schema);
          LOG.info("event store: PostgreSQL on 127.0.0.1:5432, database {}", schema);
          return new TestDatabase(schema, user, null);
        } catch (SQLException e) {
          LOG.debug("PostgreSQL as {} not available: {}", user, e.getMessage());
        }
      }
      try {
        Path dir = Files.createTempDirectory("differ-it-h2");
        LOG.info("event store: H2 file under {} (no PostgreSQL on 127.0.0.1:5432)", dir);
        return new TestDatabase(null, null, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Drops the database when the JVM exits (for one shared by a cached test context). */
    public TestDatabase closeAtExit() {
      Runtime.getRuntime().addShutdownHook(new Thread(this::close, "drop-" + schema));
      return this;
    }

    private String url() {
      return PG.substring(0, PG.lastIndexOf('/') + 1) + schema;
    }

    /** Whether this is PostgreSQL. */
    public boolean postgres() {
      return schema != null;
    }

    /** The properties that point the differ at it. */
    public Map<String, String> properties() {
      Map<String, String> p = new LinkedHashMap<>();
      if (postgres()) {
        p.put("spring.datasource.url", url());
        p.put("spring.datasource.username", user);
        p.put("spring.datasource.password", "");
      } else {
        p.put("opsledger.differ.data-dir", h2Dir.toString());
      }
      return p;
    }

    /** Loses everything: the schema is dropped and created empty, or the H2 files deleted. */
    public void wipe() {
      if (postgres()) {
        try (Connection c = DriverManager.getConnection(PG, user, "")) {
          c.createStatement().execute("DROP DATABASE " + schema + " WITH (FORCE)");
          c.createStatement().execute("CREATE DATABASE " + schema);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      } else {
        deleteTree(h2Dir);
        try {
          Files.createDirectories(h2Dir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public void close() {
      if (postgres()) {
        try (Connection c = DriverManager.getConnection(PG, user, "")) {
          c.createStatement().execute("DROP DATABASE IF EXISTS " + schema + " WITH (FORCE)");
        } catch (SQLException e) {
          LOG.warn("cannot drop schema {}: {}", schema, e.getMessage());
        }
      } else {
        deleteTree(h2Dir);
      }
    }

    private static void deleteTree(Path dir) {
      if (!Files.exists(dir)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
