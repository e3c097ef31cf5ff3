package dev.opsledger.differ.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.junit.jupiter.api.Test;

/** Which failed append is another writer's event at the same (aggregate, sequence). */
class UniqueKeyViolationsTest {

  private final UniqueKeyViolations resolver = new UniqueKeyViolations();

  @Test
  void postgresUniqueViolationIsADuplicateKeyAsH2sIs() {
    // PostgreSQL's driver: a plain SQLException with SQLSTATE 23505, wrapped by the engine.
    assertThat(
            resolver.isDuplicateKeyViolation(
                new EventStoreException(
                    "append failed", new SQLException("duplicate key value", "23505"))))
        .isTrue();
    assertThat(
            resolver.isDuplicateKeyViolation(
                new SQLIntegrityConstraintViolationException("unique", "23505")))
        .isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(resolver.isDuplicateKeyViolation(new SQLException("connection refused", "08001")))
        .isFalse();
    assertThat(resolver.isDuplicateKeyViolation(new IllegalStateException("x"))).isFalse();
  }
}
