package dev.opsledger.differ.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The aggregate cache answers a cached aggregate only while the event store holds no newer event of
 * it: what another differ on the same store appended makes the entry stale, and it is dropped.
 */
class StoreCheckedCacheTest {

  /** A stand-in aggregate: the cache never looks inside it. */
  static class Thing {
    @AggregateIdentifier String id;
  }

  private final JdbcDataSource dataSource = new JdbcDataSource();
  private Cache entries;
  private StoreCheckedCache cache;

  @BeforeEach
  void store() {
    dataSource.setURL("jdbc:h2:mem:checked-cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    EventStoreSchema schema = EventStoreSchema.prepare(dataSource);
    entries = new WeakReferenceCache();
    cache = new StoreCheckedCache(entries, dataSource::getConnection, schema.eventSchema());
  }

  @Test
  void readsAxonsVersionOfACachedAggregate() {
    assertThat(StoreCheckedCache.checks()).isTrue();
    assertThat(StoreCheckedCache.versionOf(entry(7))).isEqualTo(7L);
  }

  @Test
  void answersAnEntryWhileTheStoreHoldsNothingNewerAndDropsItOnceAnotherWriterAppended()
      throws SQLException {
    append("r", 0);
    append("r", 1);
    AggregateCacheEntry<Thing> cached = entry(1);
    cache.put("r", cached);

    assertThat((Object) cache.get("r")).isSameAs(cached);

    append("r", 2);
    assertThat((Object) cache.get("r")).isNull();
    assertThat(entries.containsKey("r")).isFalse();
  }

  @Test
  void anEntryAheadOfTheStoreIsNotTrustedEither() throws SQLException {
    append("r", 0);
    cache.put("r", entry(3));
    assertThat((Object) cache.get("r")).isNull();
  }

  @Test
  void otherValuesAndMissesPassThrough() {
    assertThat((Object) cache.get("absent")).isNull();
    cache.put("k", "v");
    assertThat((Object) cache.get("k")).isEqualTo("v");
  }

  private static AggregateCacheEntry<Thing> entry(long version) {
    Thing root = new Thing();
    root.id = "r";
    EventSourcedAggregate<Thing> aggregate =
        EventSourcedAggregate.reconstruct(
            root,
            AnnotatedAggregateMetaModelFactory.inspectAggregate(Thing.class),
            version,
            false,
            SimpleEventBus.builder().build(),
            NoSnapshotTriggerDefinition.TRIGGER);
    return new AggregateCacheEntry<>(aggregate);
  }

  private void append(String aggregate, long sequence) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO domain_event_entry (event_identifier, payload, payload_type,"
                    + " time_stamp, aggregate_identifier, sequence_number, type)"
                    + " VALUES (?, ?, 'Recorded', '2026-01-01T00:00:00Z', ?, ?, 'Thing')")) {
      s.setString(1, UUID.randomUUID().toString());
      s.setBytes(2, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.setString(3, aggregate);
      s.setLong(4, sequence);
      s.executeUpdate();
    }
  }
}
