package dev.opsledger.service;

import static dev.opsledger.service.ConsumerFailures.Kind.POISON;
import static dev.opsledger.service.ConsumerFailures.Kind.TRANSIENT;
import static dev.opsledger.service.ConsumerFailures.Kind.UNEXPECTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.MessagingException;

class ConsumerFailuresTest {

  @Test
  void aPoisonRecordIsPoisonHoweverDeeplyTheBinderWrapsIt() {
    var poison = new PoisonRecordException("dev.opsledger.x does not belong on opsledger.diffs");
    assertThat(ConsumerFailures.classify(new MessagingException("handler failed", poison)))
        .isEqualTo(POISON);
    assertThat(ConsumerFailures.poisonCause(new MessagingException("x", poison))).isSameAs(poison);
  }

  @Test
  void aDatabaseThatCannotBeReachedIsTransient() {
    // PostgreSQL's driver: "Connection refused", SQLSTATE 08001, under the pool and the ORM.
    var refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
    assertThat(ConsumerFailures.classify(new RuntimeException("could not open", refused)))
        .isEqualTo(TRANSIENT);
    assertThat(ConsumerFailures.classify(new SQLTransientConnectionException("pool timed out")))
        .isEqualTo(TRANSIENT);
    // 57P01: the server was shut down under the connection.
    assertThat(ConsumerFailures.classify(new SQLException("terminating", "57P01")))
        .isEqualTo(TRANSIENT);
  }

  @Test
  void aBrokerOrServerThatCannotBeReachedIsTransient() {
    assertThat(ConsumerFailures.classify(new IllegalStateException(new ConnectException())))
        .isEqualTo(TRANSIENT);
    assertThat(ConsumerFailures.classify(new NotLeaderOrFollowerException("moving")))
        .isEqualTo(TRANSIENT);
    assertThat(
            ConsumerFailures.classify(
                new EventPublisher.PublishFailedException("not acknowledged", null)))
        .isEqualTo(TRANSIENT);
  }

  @Test
  void aStatementTheDatabaseRejectsOrAnyOtherErrorIsUnexpected() {
    // 23505: a unique violation says nothing about an outage.
    assertThat(ConsumerFailures.classify(new SQLException("duplicate key", "23505")))
        .isEqualTo(UNEXPECTED);
    assertThat(ConsumerFailures.classify(new NullPointerException())).isEqualTo(UNEXPECTED);
    assertThat(ConsumerFailures.classify(new ClassCastException())).isEqualTo(UNEXPECTED);
  }

  @Test
  void aCycleInTheCausesEnds() {
    var a = new RuntimeException("a");
    var b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(ConsumerFailures.classify(a)).isEqualTo(UNEXPECTED);
    assertThat(ConsumerFailures.rootCause(a)).isSameAs(b);
  }
}
