package dev.opsledger.differ.store;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;

/**
 * Tells Axon's JDBC storage engine which failed append is a duplicate (aggregate, sequence) key, so
 * that it reports Axon's {@code ConcurrencyException}: another differ on the same store appended to
 * the aggregate first, and the input is handled again.
 *
 * <p>Axon's own {@code JdbcSQLErrorCodesResolver} knows only {@link
 * SQLIntegrityConstraintViolationException}, which H2 throws and PostgreSQL's driver does not (a
 * plain {@link SQLException} with SQLSTATE {@code 23505}, unique violation): on PostgreSQL a lost
 * race was an unexpected error, retried after a backoff and logged with its stack trace.
 */
public final class UniqueKeyViolations implements PersistenceExceptionResolver {

  /** The SQLSTATE of a unique violation (PostgreSQL and H2). */
  static final String UNIQUE_VIOLATION = "23505";

  @Override
  public boolean isDuplicateKeyViolation(Exception exception) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = exception;
        t != null && seen.put(t, Boolean.TRUE) == null;
        t = t.getCause()) {
      if (t instanceof SQLIntegrityConstraintViolationException) {
        return true;
      }
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
