package dev.opsledger.applier.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventJson;
import org.junit.jupiter.api.Test;

class ApiNumbersTest {

  private static String first(String json) throws Exception {
    return ApiNumbers.firstOutOfRange(EventJson.mapper().readTree(json)).orElse("none");
  }

  @Test
  void namesANumberBeyondADoublesRangeByItsPointer() throws Exception {
    assertThat(first("{\"spec\":{\"ports\":[{\"n\":1},{\"a/b\":-1e400}]}}"))
        .isEqualTo("/spec/ports/1/a~1b = -1E+400");
  }

  @Test
  void acceptsWhatTheApiCanHold() throws Exception {
    assertThat(
            first(
                "{\"a\":9223372036854775807,\"b\":1.7976931348623157e308,\"c\":0.5,"
                    + "\"d\":123456789012345678901234567890,\"e\":\"1e400\"}"))
        .isEqualTo("none");
  }
}
