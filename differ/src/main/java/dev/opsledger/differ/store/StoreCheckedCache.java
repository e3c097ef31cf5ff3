package dev.opsledger.differ.store;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregate cache, safe with several differs on one event store: an aggregate is answered from
 * memory only while the store holds no newer event of it. Each hit costs one look-up of the
 * aggregate's highest sequence number in the store's unique (aggregate, sequence) index, in the
 * command's transaction; a cached aggregate that another replica has appended to since is dropped,
 * and Axon loads it from its snapshot and events.
 *
 * <p>Why the check: a stale aggregate whose command appends would fail on the unique key and be
 * handled again; but one whose command appends nothing (a duplicate, an unchanged or a stale input
 * by the cached state) would silently drop an input the real state needed.
 *
 * <p>The cached entry's version is Axon's ({@code AggregateCacheEntry.version}, read reflectively:
 * Axon offers no getter). Should a later Axon rename it, every entry is treated as stale (a cache
 * that always misses) and {@code StoreCheckedCacheTest} fails.
 */
public final class StoreCheckedCache implements Cache {

  private static final Logger LOG = LoggerFactory.getLogger(StoreCheckedCache.class);
  private static final Field VERSION = versionField();

  private final Cache delegate;
  private final ConnectionProvider connections;
  private final String query;

  /**
   * Checks the entries of {@code delegate} against the store.
   *
   * @param connections the connections bound to the command's transaction
   * @param schema the event table's names
   */
  public StoreCheckedCache(Cache delegate, ConnectionProvider connections, EventSchema schema) {
    this.delegate = delegate;
    this.connections = connections;
    this.query =
        "SELECT MAX("
            + schema.sequenceNumberColumn()
            + ") FROM "
            + schema.domainEventTable()
            + " WHERE "
            + schema.aggregateIdentifierColumn()
            + " = ?";
  }

  @Override
  public <K, V> V get(K key) {
    V value = delegate.get(key);
    if (value instanceof AggregateCacheEntry<?> entry && !current(key, entry)) {
      delegate.remove(key);
      return null;
    }
    return value;
  }

  /** Whether the store's newest event of the aggregate is the one the entry was cached at. */
  private boolean current(Object key, AggregateCacheEntry<?> entry) {
    Long cached = versionOf(entry);
    if (VERSION == null) {
      return false;
    }
    try {
      return Objects.equals(cached, storedVersion(String.valueOf(key)));
    } catch (SQLException e) {
      LOG.debug("cannot check the cached aggregate {}: {}", key, e.toString());
      return false;
    }
  }

  private Long storedVersion(String aggregateId) throws SQLException {
    try (Connection c = connections.getConnection();
        PreparedStatement s = c.prepareStatement(query)) {
      s.setString(1, aggregateId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        long v = r.getLong(1);
        return r.wasNull() ? null : v;
      }
    }
  }

  /** The sequence number of the cached aggregate's last event, or {@code null} (none). */
  static Long versionOf(AggregateCacheEntry<?> entry) {
    if (VERSION == null) {
      return null;
    }
    try {
      return (Long) VERSION.get(entry);
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  /** Whether entries can be checked (Axon's field was found). */
  static boolean checks() {
    return VERSION != null;
  }

  private static Field versionField() {
    try {
      Field f = AggregateCacheEntry.class.getDeclaredField("version");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      LoggerFactory.getLogger(StoreCheckedCache.class)
          .warn("Axon's cache entries have no version field: the aggregate cache always misses");
      return null;
    }
  }

  @Override
  public void put(Object key, Object value) {
    delegate.put(key, value);
  }

  @Override
  public boolean putIfAbsent(Object key, Object value) {
    return delegate.putIfAbsent(key, value);
  }

  @Override
  public <T> T computeIfAbsent(Object key, Supplier<T> valueSupplier) {
    T value = get(key);
    if (value != null) {
      return value;
    }
    return delegate.computeIfAbsent(key, valueSupplier);
  }

  @Override
  public boolean remove(Object key) {
    return delegate.remove(key);
  }

  @Override
  public void removeAll() {
    delegate.removeAll();
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Registration registerCacheEntryListener(EntryListener cacheEntryListener) {
    return delegate.registerCacheEntryListener(cacheEntryListener);
  }

  @Override
  public <V> void computeIfPresent(Object key, UnaryOperator<V> update) {
    if (get(key) != null) {
      delegate.computeIfPresent(key, update);
    }
  }
}
