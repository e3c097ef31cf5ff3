package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The type catalogue maps ce_type, record class and schema version both ways. */
class EventTypeTest {

  @ParameterizedTest
  @EnumSource(EventType.class)
  void findsEveryTypeByItsCeTypeAndRecordClass(EventType type) {
    assertThat(EventType.byCeType(type.ceType())).isSameAs(type);
    assertThat(EventType.of(type.recordClass())).isSameAs(type);
  }

  @Test
  void usesEveryCeTypeAndRecordClassOnce() {
    assertThat(Arrays.stream(EventType.values()).map(EventType::ceType)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(EventType.values()).map(EventType::recordClass))
        .doesNotHaveDuplicates();
  }

  @Test
  void coversEveryPermittedEventRecord() {
    // A record added to the sealed hierarchy but not to the catalogue could not be written.
    for (Class<?> permitted : OpsLedgerEvent.class.getPermittedSubclasses()) {
      if (permitted.isInterface()) {
        for (Class<?> resourceEvent : permitted.getPermittedSubclasses()) {
          assertThat(EventType.of(resourceEvent).recordClass()).isEqualTo(resourceEvent);
        }
      } else {
        assertThat(EventType.of(permitted).recordClass()).isEqualTo(permitted);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void readsTheVersionBackFromItsOwnDataSchemaOnly(EventType type) {
    assertThat(type.versionOf(type.dataSchema(type.version()))).isEqualTo(type.version());
    assertThat(type.versionOf(null)).isEqualTo(-1);
    assertThat(type.versionOf("urn:opsledger:schema:dev.opsledger.other:1")).isEqualTo(-1);
  }

  @Test
  void refusesClassesThatAreNotEvents() {
    assertThatThrownBy(() -> EventType.of(String.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(EventType.byCeType("dev.opsledger.unknown")).isNull();
  }
}
