package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventType;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The undecoded-record filters let through every record that may match, wherever it names it. */
class RecordFiltersTest {

  private static final String SHA = "3c6ef372fe94f82a3c6ef372fe94f82a3c6ef372";

  @Test
  void aRecordNamingTheRevisionAnywhereInItsBodyOrAsItsCorrelationPasses() {
    Predicate<ConsumerRecord<String, byte[]>> f = RecordFilters.mentioning(Set.of(SHA));
    assertThat(f.test(record("k", "{\"revision\":\"" + SHA + "\"}", null, null))).isTrue();
    assertThat(f.test(record("k", "{\"a\":1}" + SHA, null, null))).as("at the end").isTrue();
    assertThat(f.test(record("k", "{\"a\":1}", SHA, null))).as("as correlation").isTrue();
    assertThat(f.test(record("k", "{\"revision\":\"" + SHA.substring(1) + "\"}", null, null)))
        .as("a part of it is not it")
        .isFalse();
    assertThat(f.test(record("k", "", null, null))).isFalse();
  }

  @Test
  void aRecordAboutAnotherResourceOrOfAnotherTypeIsLeftUndecoded() {
    Predicate<ConsumerRecord<String, byte[]>> f =
        RecordFilters.about(Set.of("a/b"), EventType.RESOURCE_HEALTH_CHANGED);
    String health = EventType.RESOURCE_HEALTH_CHANGED.ceType();
    assertThat(f.test(record("a/b", "{}", null, health))).isTrue();
    assertThat(f.test(record("other", "{}", null, health))).isFalse();
    assertThat(f.test(record("a/b", "{}", null, EventType.OBSERVED_STATE_CHANGED.ceType())))
        .isFalse();
    assertThat(RecordFilters.about(Set.of("a/b"), null).test(record("a/b", "{}", null, "x")))
        .isTrue();
  }

  private static ConsumerRecord<String, byte[]> record(
      String key, String value, String correlation, String type) {
    ConsumerRecord<String, byte[]> r =
        new ConsumerRecord<>("t", 0, 0L, key, value.getBytes(StandardCharsets.UTF_8));
    if (correlation != null) {
      r.headers().add(CloudEventHeaders.CORRELATION, correlation.getBytes(StandardCharsets.UTF_8));
    }
    if (type != null) {
      r.headers().add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }
}
