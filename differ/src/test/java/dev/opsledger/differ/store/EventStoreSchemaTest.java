package dev.opsledger.differ.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.testkit.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database an earlier OpsLedger made with Axon on JPA keeps its history after the switch to
 * Axon's JDBC engine: its events are read, new ones follow the highest index without gaps, the
 * outbox's token is where it was; and a new database gets the tables on a real PostgreSQL and H2.
 */
class EventStoreSchemaTest {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalPostgres pg;

  private final Serializer serializer = JacksonSerializer.defaultSerializer();

  @TempDir Path h2Dir;

  @BeforeAll
  static void startPostgres() {
    pg = LocalPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aJpaEraPostgresStoreKeepsItsEventsAndTokenAndItsLargeObjectsAreFreed() throws Exception {
    DataSource ds = postgres();
    jpaEraPostgresLayout(ds);
    writeJpaEraHistory(ds, "lo_from_bytea(0, ?)");
    assertThat(count(ds, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(5);

    EventStoreSchema schema = EventStoreSchema.prepare(ds);

    assertThat(schema.postgres()).isTrue();
    assertKeepsHistoryAndAppendsAfterIt(ds, schema);
    assertThat(count(ds, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
  }

  @Test
  void aJpaEraH2StoreKeepsItsEventsAndToken() throws Exception {
    DataSource ds = h2();
    jpaEraH2Layout(ds);
    writeJpaEraHistory(ds, "?");

    EventStoreSchema schema = EventStoreSchema.prepare(ds);

    assertThat(schema.postgres()).isFalse();
    assertKeepsHistoryAndAppendsAfterIt(ds, schema);
  }

  @Test
  void aNewDatabaseGetsTheTablesAndPreparingAgainKeepsWhatIsStored() throws Exception {
    for (DataSource ds : List.of(postgres(), h2())) {
      EventStoreSchema schema = EventStoreSchema.prepare(ds);
      JdbcEventStorageEngine engine = engine(ds, schema);
      engine.appendEvents(event("agg-new", 0, "first"), event("agg-new", 1, "second"));

      EventStoreSchema again = EventStoreSchema.prepare(ds);

      assertThat(payloads(engine(ds, again).readEvents("agg-new")))
          .containsExactly("first", "second");
      assertThat(indexes(engine(ds, again))).containsExactly(1L, 2L);
    }
  }

  private void assertKeepsHistoryAndAppendsAfterIt(DataSource ds, EventStoreSchema schema) {
    JdbcEventStorageEngine engine = engine(ds, schema);
    assertThat(payloads(engine.readEvents("agg-1"))).containsExactly("declared", "observed");

    engine.appendEvents(event("agg-1", 2, "after the upgrade"));

    assertThat(payloads(engine.readEvents("agg-1")))
        .containsExactly("declared", "observed", "after the upgrade");
    assertThat(indexes(engine)).containsExactly(1L, 51L, 52L);
    JdbcTokenStore tokens =
        JdbcTokenStore.builder()
            .connectionProvider(new DataSourceConnectionProvider(ds))
            .serializer(serializer)
            .schema(schema.tokenSchema())
            .build();
    TrackingToken token = tokens.fetchToken("differ-outbox", 0);
    assertThat(token.position()).hasValue(51L);
  }

  private JdbcEventStorageEngine engine(DataSource ds, EventStoreSchema schema) {
    return JdbcEventStorageEngine.builder()
        .snapshotSerializer(serializer)
        .eventSerializer(serializer)
        .connectionProvider(new DataSourceConnectionProvider(ds))
        .transactionManager(NoTransactionManager.INSTANCE)
        .schema(schema.eventSchema())
        .build();
  }

  private static GenericDomainEventMessage<String> event(String aggregate, long seq, String text) {
    return new GenericDomainEventMessage<>("ResourceReconciliation", aggregate, seq, text);
  }

  private static List<String> payloads(DomainEventStream stream) {
    return stream.asStream().map(m -> (String) m.getPayload()).collect(Collectors.toList());
  }

  private static List<Long> indexes(JdbcEventStorageEngine engine) {
    List<Long> indexes = new ArrayList<>();
    engine
        .readEvents(null, false)
        .limit(10)
        .map(TrackedEventMessage::trackingToken)
        .forEach(t -> indexes.add(t.position().orElseThrow()));
    return indexes;
  }

  /** Two events, indexes 1 and 51 as Hibernate's pooled sequence handed them out, and a token. */
  private void writeJpaEraHistory(DataSource ds, String bytes) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement event =
            c.prepareStatement(
                "INSERT INTO domain_event_entry (global_index, event_identifier, meta_data,"
                    + " payload, payload_revision, payload_type, time_stamp,"
                    + " aggregate_identifier, sequence_number, type) VALUES (?, ?, "
                    + bytes
                    + ", "
                    + bytes
                    + ", NULL, 'java.lang.String', '2026-11-01T10:00:00Z', 'agg-1', ?,"
                    + " 'ResourceReconciliation')");
        PreparedStatement token =
            c.prepareStatement(
                "INSERT INTO token_entry (processor_name, segment, owner, timestamp, token,"
                    + " token_type) VALUES ('differ-outbox', 0, NULL, '2026-11-01T10:00:00Z', "
                    + bytes
                    + ", ?)")) {
      String[] texts = {"declared", "observed"};
      long[] indexes = {1, 51};
      for (int i = 0; i < texts.length; i++) {
        event.setLong(1, indexes[i]);
        event.setString(2, UUID.randomUUID().toString());
        event.setBytes(3, serializer.serialize(MetaData.emptyInstance(), byte[].class).getData());
        event.setBytes(4, serializer.serialize(texts[i], byte[].class).getData());
        event.setLong(5, i);
        event.executeUpdate();
      }
      GapAwareTrackingToken at = GapAwareTrackingToken.newInstance(51, List.of());
      token.setBytes(1, serializer.serialize(at, byte[].class).getData());
      token.setString(2, GapAwareTrackingToken.class.getName());
      token.executeUpdate();
    }
  }

  /** What Hibernate 7 created for Axon 4.13's entities on PostgreSQL (taken from pg_dump). */
  private static void jpaEraPostgresLayout(DataSource ds) throws SQLException {
    execute(
        ds,
        "CREATE SEQUENCE domain_event_entry_seq START WITH 1 INCREMENT BY 50",
        "CREATE TABLE domain_event_entry (global_index bigint NOT NULL PRIMARY KEY,"
            + " event_identifier varchar(255) NOT NULL UNIQUE, meta_data oid, payload oid NOT"
            + " NULL, payload_revision varchar(255), payload_type varchar(255) NOT NULL,"
            + " time_stamp varchar(255) NOT NULL, aggregate_identifier varchar(255) NOT NULL,"
            + " sequence_number bigint NOT NULL, type varchar(255),"
            + " UNIQUE (aggregate_identifier, sequence_number))",
        "CREATE TABLE snapshot_event_entry (aggregate_identifier varchar(255) NOT NULL,"
            + " sequence_number bigint NOT NULL, type varchar(255) NOT NULL, event_identifier"
            + " varchar(255) NOT NULL UNIQUE, meta_data oid, payload oid NOT NULL,"
            + " payload_revision varchar(255), payload_type varchar(255) NOT NULL, time_stamp"
            + " varchar(255) NOT NULL, PRIMARY KEY (aggregate_identifier, sequence_number, type))",
        "CREATE TABLE token_entry (processor_name varchar(255) NOT NULL, segment integer NOT"
            + " NULL, owner varchar(255), \"timestamp\" varchar(255) NOT NULL, token oid,"
            + " token_type varchar(255), PRIMARY KEY (processor_name, segment))");
  }

  /** What Hibernate 7 created on H2 (read from a demo's data directory). */
  private static void jpaEraH2Layout(DataSource ds) throws SQLException {
    execute(
        ds,
        "CREATE SEQUENCE domain_event_entry_seq START WITH 1 INCREMENT BY 50",
        "CREATE TABLE domain_event_entry (global_index bigint NOT NULL PRIMARY KEY,"
            + " event_identifier varchar(255) NOT NULL UNIQUE, meta_data blob, payload blob NOT"
            + " NULL, payload_revision varchar(255), payload_type varchar(255) NOT NULL,"
            + " time_stamp varchar(255) NOT NULL, aggregate_identifier varchar(255) NOT NULL,"
            + " sequence_number bigint NOT NULL, type varchar(255),"
            + " UNIQUE (aggregate_identifier, sequence_number))",
        "CREATE TABLE token_entry (processor_name varchar(255) NOT NULL, segment integer NOT"
            + " NULL, owner varchar(255), \"TIMESTAMP\" varchar(255) NOT NULL, token blob,"
            + " token_type varchar(255), PRIMARY KEY (processor_name, segment))");
  }

  private static void execute(DataSource ds, String... statements) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static DataSource postgres() throws SQLException {
    String name = "store_" + DATABASES.incrementAndGet();
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setUrl(pg.jdbcUrl("postgres"));
    admin.setUser(LocalPostgres.USER);
    execute(admin, "CREATE DATABASE " + name);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl(name));
    ds.setUser(LocalPostgres.USER);
    return ds;
  }

  private DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + h2Dir.resolve("differ-" + DATABASES.incrementAndGet()));
    ds.setUser("");
    return ds;
  }
}
