package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    List<Class<?>> records = recordsBelow(OpsLedgerEvent.class);

    assertThat(records).hasSize(EventType.values().length);
    for (Class<?> record : records) {
      assertThat(EventType.of(record).recordClass()).isEqualTo(record);
    }
  }

  private static List<Class<?>> recordsBelow(Class<?> sealed) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> permitted : sealed.getPermittedSubclasses()) {
      if (permitted.isInterface()) {
        out.addAll(recordsBelow(permitted));
      } else {
        out.add(permitted);
      }
    }
    return out;
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
