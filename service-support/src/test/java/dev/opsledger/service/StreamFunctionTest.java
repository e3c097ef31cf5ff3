package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.Topic;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFunctionTest {

  @Test
  void derivesTheBindingPropertiesFromTheFunctionName() {
    StreamFunction f =
        StreamFunction.of("demoDiffsIn", Topic.DIFFS, "opsledger-demo")
            .consumer("concurrency", "3")
            .kafkaConsumer("start-offset", "earliest");
    assertThat(f.properties())
        .containsExactly(
            entry("spring.cloud.stream.bindings.demoDiffsIn-in-0.destination", "opsledger.diffs"),
            entry("spring.cloud.stream.bindings.demoDiffsIn-in-0.group", "opsledger-demo"),
            entry("spring.cloud.stream.bindings.demoDiffsIn-in-0.consumer.concurrency", "3"),
            entry(
                "spring.cloud.stream.kafka.bindings.demoDiffsIn-in-0.consumer.start-offset",
                "earliest"));
    assertThat(f.groupProperty()).isEqualTo("spring.cloud.stream.bindings.demoDiffsIn-in-0.group");
  }

  @Test
  void joinsTheFunctionsOfSeveralServicesIntoOneDefinition() {
    var a = List.of(StreamFunction.of("aIn", Topic.DIFFS, "a"));
    var b =
        List.of(
            StreamFunction.of("bIn", Topic.DESIRED, "b"),
            StreamFunction.of("bOtherIn", Topic.APPLIES, "b"));
    assertThat(StreamFunction.definition(a, List.of(), b)).isEqualTo("aIn;bIn;bOtherIn");
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }
}
