package dev.opsledger.differ.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.diff.DiffResult.CannotCompare;
import dev.opsledger.differ.diff.DiffResult.Drifted;
import dev.opsledger.differ.diff.DiffResult.InSync;
import dev.opsledger.events.EventJson;
import org.junit.jupiter.api.Test;

/**
 * Numbers that a double cannot hold ({@code 1e400}, 30-digit integers) are valid JSON, so the
 * engine compares them exactly whatever their size; what it cannot compare is a {@code
 * CannotCompare}, never an exception. Manifests are read with the events' mapper, as the differ
 * reads them off the log.
 */
class NumbersBeyondDoubleTest {

  private final DiffEngine engine = DiffEngine.standard();

  private static JsonNode widget(String size) throws Exception {
    return EventJson.mapper()
        .readTree(
            "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
                + "\"namespace\":\"shop\"},\"spec\":{\"size\":"
                + size
                + "}}");
  }

  @Test
  void aNumberBeyondADoublesRangeIsInSyncWithTheSameNumberLive() throws Exception {
    assertThat(engine.diff(widget("1e400"), widget("1E+400"))).isEqualTo(new InSync());
  }

  @Test
  void aNumberBeyondADoublesRangeDriftsFromAnotherHugeNumber() throws Exception {
    DiffResult result = engine.diff(widget("1e400"), widget("2e400"));

    assertThat(result).isInstanceOf(Drifted.class);
    assertThat(((Drifted) result).changedPaths()).containsExactly("/spec/size");
    assertThat(((Drifted) result).patch().toString()).contains("1E+400").doesNotContain("Infinity");
  }

  @Test
  void hugeIntegersCompareExactly() throws Exception {
    assertThat(
            engine.diff(
                widget("123456789012345678901234567890"), widget("123456789012345678901234567890")))
        .isEqualTo(new InSync());
    assertThat(
            engine.diff(
                widget("123456789012345678901234567890"), widget("123456789012345678901234567891")))
        .isInstanceOf(Drifted.class);
    assertThat(
            engine.diff(widget("123456789012345678901234567890"), widget("1.2345678901234568E29")))
        .isInstanceOf(Drifted.class);
  }

  @Test
  void aHugeNumberAgainstItsNumericStringIsInSync() throws Exception {
    assertThat(engine.diff(widget("1e400"), widget("\"1e400\""))).isEqualTo(new InSync());
  }

  @Test
  void aNonFiniteDoubleFromAnotherReaderCannotBeComparedInsteadOfThrowing() throws Exception {
    JsonNode live = widget("1");
    ((ObjectNode) live.get("spec"))
        .set("size", JsonNodeFactory.instance.numberNode(Double.POSITIVE_INFINITY));

    DiffResult result = engine.diff(widget("1e400"), live);

    assertThat(result).isInstanceOf(CannotCompare.class);
    assertThat(((CannotCompare) result).reason()).contains("/spec/size");
  }
}
