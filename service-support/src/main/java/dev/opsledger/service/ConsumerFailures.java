package dev.opsledger.service;

import dev.opsledger.events.EventDecodingException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Why a consumed record failed, from the exception its handler threw (wrapped by the binder and the
 * container, so every cause is looked at). Only {@link Kind#POISON} is dead-lettered; the other two
 * kinds are both retried for as long as they last and differ only in how loudly they are reported.
 */
public final class ConsumerFailures {

  /** What kind of failure it is. */
  public enum Kind {
    /** The record can never be handled: not a readable OpsLedger event. Dead-lettered at once. */
    POISON,
    /** Something the record needs is unavailable for now: a database, Kafka, an API server. */
    TRANSIENT,
    /**
     * Neither: most likely a bug. Retried like a transient failure (the record is valid, so it must
     * not be dead-lettered) but logged as an error with its stack trace.
     */
    UNEXPECTED
  }

  /**
   * SQLSTATE classes (the first two characters) that say the database cannot serve now but the
   * statement is fine: 08 connection exception, 40 transaction rollback (serialization, deadlock),
   * 53 insufficient resources, 57 operator intervention (shutdown, cannot connect now), 58 system
   * error; HY is what some drivers and pools use for a timeout.
   */
  private static final Set<String> TRANSIENT_SQL_STATE_CLASSES =
      Set.of("08", "40", "53", "57", "58", "HY");

  /**
   * Outage exceptions of libraries that some services bring and this module does not depend on,
   * matched by name on the class and its superclasses: Spring's transaction and data-access layer
   * (the differ's event store), Axon's own transient marker, and fabric8's client exception (the
   * applier and collector handle their API servers' failures themselves, but one may escape).
   */
  private static final Set<String> TRANSIENT_CLASS_NAMES =
      Set.of(
          "org.springframework.dao.TransientDataAccessException",
          "org.springframework.dao.RecoverableDataAccessException",
          "org.springframework.dao.DataAccessResourceFailureException",
          "org.springframework.transaction.CannotCreateTransactionException",
          "org.springframework.transaction.TransactionTimedOutException",
          "org.axonframework.common.AxonTransientException",
          "io.fabric8.kubernetes.client.KubernetesClientException");

  private ConsumerFailures() {}

  /** Classifies a failure by the exception and all of its causes. */
  public static Kind classify(Throwable failure) {
    boolean transientCause = false;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (isPoison(t)) {
        return Kind.POISON;
      }
      transientCause |= isTransient(t);
    }
    return transientCause ? Kind.TRANSIENT : Kind.UNEXPECTED;
  }

  /** The innermost cause, for a short log line and a metric tag. */
  public static Throwable rootCause(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable root = failure;
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      root = t;
    }
    return root;
  }

  /** The poison exception among the causes, or {@code null}. */
  public static Throwable poisonCause(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (isPoison(t)) {
        return t;
      }
    }
    return null;
  }

  private static boolean isPoison(Throwable t) {
    return t instanceof PoisonRecordException
        || t instanceof EventDecodingException
        || t instanceof DeserializationException;
  }

  private static boolean isTransient(Throwable t) {
    if (t instanceof SQLTransientException
        || t instanceof SQLRecoverableException
        || t instanceof IOException
        || t instanceof java.util.concurrent.TimeoutException
        || t instanceof RetriableException
        || t instanceof EventPublisher.PublishFailedException) {
      return true;
    }
    if (t instanceof SQLException sql
        && sql.getSQLState() != null
        && sql.getSQLState().length() >= 2
        && TRANSIENT_SQL_STATE_CLASSES.contains(sql.getSQLState().substring(0, 2))) {
      return true;
    }
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (TRANSIENT_CLASS_NAMES.contains(c.getName())) {
        return true;
      }
    }
    return false;
  }
}
