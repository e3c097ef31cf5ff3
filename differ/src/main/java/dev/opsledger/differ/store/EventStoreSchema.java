package dev.opsledger.differ.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The differ's event store tables, for Axon's JDBC storage engine and token store: created when
 * missing, and converted in place when an earlier OpsLedger (Axon on JPA/Hibernate) made them.
 *
 * <p>The names are the ones Hibernate gave Axon's entities ({@code domain_event_entry}, {@code
 * global_index}, …), so one layout serves old and new databases. What JPA left that JDBC cannot use
 * is converted once, in one transaction:
 *
 * <ul>
 *   <li>the global index had no default (Hibernate drew it from {@code domain_event_entry_seq}, 50
 *       numbers at a time); it now defaults to that sequence, stepping by 1 from the highest index
 *       stored, so tracking tokens see no gaps;
 *   <li>on PostgreSQL, payloads, metadata and tokens were large objects ({@code oid}); they become
 *       {@code bytea} and the large objects are unlinked. H2's {@code BLOB}s are read as they are.
 * </ul>
 *
 * <p>Why JDBC and not JPA: Hibernate and its byte-code tooling were about 6,000 of the 34,000
 * classes {@code opsledger up} loads, for four tables the differ reads by index; and {@code
 * ddl-auto=update} was the only schema management.
 */
public final class EventStoreSchema {

  private static final Logger LOG = LoggerFactory.getLogger(EventStoreSchema.class);

  static final String EVENTS = "domain_event_entry";
  static final String SNAPSHOTS = "snapshot_event_entry";
  static final String TOKENS = "token_entry";
  static final String SEQUENCE = "domain_event_entry_seq";

  /** The advisory lock (PostgreSQL) held while the tables are prepared: "OLdiffer" in ASCII. */
  private static final long PREPARE_LOCK = 0x4f4c_6469_6666_6572L;

  private final Dialect dialect;

  private EventStoreSchema(Dialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Creates the tables that are missing and converts a JPA-era layout.
   *
   * @param dataSource the differ's database
   * @return the schema, for the engine's and the token store's column names
   * @throws IllegalStateException when the database cannot be reached or is neither PostgreSQL nor
   *     H2
   */
  public static EventStoreSchema prepare(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      Dialect dialect = Dialect.of(c.getMetaData().getDatabaseProductName());
      EventStoreSchema schema = new EventStoreSchema(dialect);
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        schema.prepare(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
      return schema;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The differ's event store could not be prepared: " + e.getMessage(), e);
    }
  }

  /** The column names of the event and snapshot tables. */
  public EventSchema eventSchema() {
    return EventSchema.builder()
        .eventTable(EVENTS)
        .snapshotTable(SNAPSHOTS)
        .globalIndexColumn("global_index")
        .timestampColumn("time_stamp")
        .eventIdentifierColumn("event_identifier")
        .aggregateIdentifierColumn("aggregate_identifier")
        .sequenceNumberColumn("sequence_number")
        .typeColumn("type")
        .payloadTypeColumn("payload_type")
        .payloadRevisionColumn("payload_revision")
        .payloadColumn("payload")
        .metaDataColumn("meta_data")
        .build();
  }

  /** The column names of the token table. */
  public TokenSchema tokenSchema() {
    return TokenSchema.builder()
        .setTokenTable(TOKENS)
        .setProcessorNameColumn("processor_name")
        .setSegmentColumn("segment")
        .setTokenColumn("token")
        .setTokenTypeColumn("token_type")
        .setTimestampColumn("timestamp")
        .setOwnerColumn("owner")
        .build();
  }

  /** Whether the database is PostgreSQL (else H2). */
  public boolean postgres() {
    return dialect == Dialect.POSTGRES;
  }

  private void prepare(Connection c) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      // Two differs starting on one new database: CREATE ... IF NOT EXISTS is not atomic on
      // PostgreSQL (the second can fail on the catalogue's unique key), so they take turns.
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + PREPARE_LOCK + ")");
      }
    }
    boolean existed = tableExists(c, EVENTS);
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.POSTGRES) {
        s.execute("CREATE SEQUENCE IF NOT EXISTS " + SEQUENCE);
      } else {
        s.execute("CREATE SEQUENCE IF NOT EXISTS " + SEQUENCE + " START WITH 1 INCREMENT BY 1");
      }
      String bytes = dialect.bytes;
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + EVENTS
              + " (global_index BIGINT NOT NULL DEFAULT "
              + dialect.next(SEQUENCE)
              + ", event_identifier VARCHAR(255) NOT NULL, meta_data "
              + bytes
              + ", payload "
              + bytes
              + " NOT NULL, payload_revision VARCHAR(255), payload_type VARCHAR(255) NOT NULL,"
              + " time_stamp VARCHAR(255) NOT NULL, aggregate_identifier VARCHAR(255) NOT NULL,"
              + " sequence_number BIGINT NOT NULL, type VARCHAR(255),"
              + " PRIMARY KEY (global_index), UNIQUE (event_identifier),"
              + " UNIQUE (aggregate_identifier, sequence_number))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SNAPSHOTS
              + " (aggregate_identifier VARCHAR(255) NOT NULL, sequence_number BIGINT NOT NULL,"
              + " type VARCHAR(255) NOT NULL, event_identifier VARCHAR(255) NOT NULL, meta_data "
              + bytes
              + ", payload "
              + bytes
              + " NOT NULL, payload_revision VARCHAR(255), payload_type VARCHAR(255) NOT NULL,"
              + " time_stamp VARCHAR(255) NOT NULL,"
              + " PRIMARY KEY (aggregate_identifier, sequence_number, type),"
              + " UNIQUE (event_identifier))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TOKENS
              + " (processor_name VARCHAR(255) NOT NULL, segment INTEGER NOT NULL,"
              + " owner VARCHAR(255), timestamp VARCHAR(255) NOT NULL, token "
              + bytes
              + ", token_type VARCHAR(255), PRIMARY KEY (processor_name, segment))");
    }
    if (existed && columnDefault(c, EVENTS, "global_index") == null) {
      convertJpaLayout(c);
    }
  }

  private void convertJpaLayout(Connection c) throws SQLException {
    long next;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COALESCE(MAX(global_index), 0) + 1 FROM " + EVENTS)) {
      r.next();
      next = r.getLong(1);
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER SEQUENCE " + SEQUENCE + " INCREMENT BY 1 RESTART WITH " + next);
      s.execute(
          "ALTER TABLE "
              + EVENTS
              + " ALTER COLUMN global_index SET DEFAULT "
              + dialect.next(SEQUENCE));
      int objects = 0;
      if (dialect == Dialect.POSTGRES) {
        objects = largeObjectsToBytes(c, s);
      }
      LOG.info(
          "Converted the differ's event store from the JPA layout: global index from {},"
              + " {} large objects turned into bytea",
          next,
          objects);
    }
  }

  /** Turns the {@code oid} columns into {@code bytea} and unlinks the objects they pointed to. */
  private static int largeObjectsToBytes(Connection c, Statement s) throws SQLException {
    List<String[]> columns =
        List.of(
            new String[] {EVENTS, "payload"},
            new String[] {EVENTS, "meta_data"},
            new String[] {SNAPSHOTS, "payload"},
            new String[] {SNAPSHOTS, "meta_data"},
            new String[] {TOKENS, "token"});
    s.execute("CREATE TEMPORARY TABLE opsledger_jpa_lobs (o oid) ON COMMIT DROP");
    for (String[] column : columns) {
      if (!"oid".equals(dataType(c, column[0], column[1]))) {
        continue;
      }
      s.execute(
          "INSERT INTO opsledger_jpa_lobs SELECT "
              + column[1]
              + " FROM "
              + column[0]
              + " WHERE "
              + column[1]
              + " IS NOT NULL");
      s.execute(
          "ALTER TABLE "
              + column[0]
              + " ALTER COLUMN "
              + column[1]
              + " TYPE bytea USING lo_get("
              + column[1]
              + ")");
    }
    int unlinked = 0;
    try (ResultSet r =
        s.executeQuery(
            "SELECT count(lo_unlink(o)) FROM (SELECT DISTINCT o FROM opsledger_jpa_lobs) l")) {
      if (r.next()) {
        unlinked = r.getInt(1);
      }
    }
    return unlinked;
  }

  private static boolean tableExists(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
      try (ResultSet r = meta.getTables(null, c.getSchema(), name, new String[] {"TABLE"})) {
        if (r.next()) {
          return true;
        }
      }
    }
    return false;
  }

  private static String columnDefault(Connection c, String table, String column)
      throws SQLException {
    return columnAttribute(c, table, column, "COLUMN_DEF");
  }

  private static String dataType(Connection c, String table, String column) throws SQLException {
    return columnAttribute(c, table, column, "TYPE_NAME");
  }

  private static String columnAttribute(Connection c, String table, String column, String attr)
      throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    for (boolean upper : new boolean[] {false, true}) {
      String t = upper ? table.toUpperCase(Locale.ROOT) : table;
      String col = upper ? column.toUpperCase(Locale.ROOT) : column;
      try (ResultSet r = meta.getColumns(null, c.getSchema(), t, col)) {
        if (r.next()) {
          return r.getString(attr);
        }
      }
    }
    return null;
  }

  private enum Dialect {
    POSTGRES("BYTEA") {
      @Override
      String next(String sequence) {
        return "nextval('" + sequence + "')";
      }
    },
    H2("BLOB") {
      @Override
      String next(String sequence) {
        return "NEXT VALUE FOR " + sequence;
      }
    };

    final String bytes;

    Dialect(String bytes) {
      this.bytes = bytes;
    }

    abstract String next(String sequence);

    static Dialect of(String product) {
      if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
        return POSTGRES;
      }
      if ("H2".equalsIgnoreCase(product)) {
        return H2;
      }
      throw new IllegalStateException(
          "The differ's event store supports PostgreSQL and H2, not " + product);
    }
  }
}
