package dev.opsledger.differ.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.flipkart.zjsonpatch.JsonPatch;
import dev.opsledger.differ.Fixtures;
import dev.opsledger.differ.diff.DiffResult.CannotCompare;
import dev.opsledger.differ.diff.DiffResult.Drifted;
import dev.opsledger.differ.normalize.IgnoreRules;
import dev.opsledger.events.SecretProtector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every golden case under {@code src/test/resources/diff/<case>/}: {@code desired.yaml},
 * {@code live.yaml} (absent: nothing lives there), optional {@code rules.yaml} (ignore rules),
 * {@code expected.json} (state, changed paths and patch, or reason) and, for a drift, {@code
 * expected.diff} (the readable diff, byte for byte).
 *
 * <p>Any difference in the engine's output fails the case. With {@code -Ddiffer.golden.write=true}
 * the readable diffs are rewritten (and a missing {@code expected.json} is created) for review; an
 * existing {@code expected.json} is never overwritten, so it stays the reviewed expectation.
 */
class GoldenDiffTest {

  private static final boolean WRITE = Boolean.getBoolean("differ.golden.write");
  private static final DiffEngine ENGINE = DiffEngine.standard();

  static Stream<Named<Path>> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(Fixtures.GOLDEN_CASES)) {
      return dirs
          .filter(Files::isDirectory)
          .sorted()
          .map(dir -> Named.of(dir.getFileName().toString(), dir))
          .toList()
          .stream();
    }
  }

  @Test
  void corpusHasAtLeastThirtyCases() throws IOException {
    assertThat(cases().count()).isGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void engineOutputMatchesTheGoldenCase(Path dir) throws IOException {
    JsonNode desired = Fixtures.readYaml(dir.resolve("desired.yaml"));
    JsonNode live = Fixtures.readYaml(dir.resolve("live.yaml"));
    IgnoreRules rules = Fixtures.readRules(dir.resolve("rules.yaml"));
    JsonNode desiredBefore = desired.deepCopy();
    JsonNode liveBefore = live == null ? null : live.deepCopy();

    DiffResult result = ENGINE.diff(desired, live, rules);
    ObjectNode actual = describe(result);
    if (WRITE) {
      write(dir, result, actual);
    }

    assertThat(actual)
        .as("engine output for %s:%n%s", dir.getFileName(), Fixtures.pretty(actual))
        .isEqualTo(Fixtures.readJson(dir.resolve("expected.json")));
    if (result instanceof Drifted drifted) {
      assertThat(drifted.unifiedDiff())
          .isEqualTo(Files.readString(dir.resolve("expected.diff"), StandardCharsets.UTF_8));
      assertThat(drifted.unifiedDiff())
          .doesNotContain(SecretProtector.SEALED_PREFIX, SecretProtector.HASHED_PREFIX);
      assertPatchBringsLiveInSync(desired, live, rules, drifted);
    } else {
      assertThat(dir.resolve("expected.diff")).doesNotExist();
    }
    if (result instanceof CannotCompare cannot) {
      assertThat(cannot.reason())
          .doesNotContain(SecretProtector.SEALED_PREFIX, SecretProtector.HASHED_PREFIX);
    }
    assertThat(desired).as("the desired manifest is not modified").isEqualTo(desiredBefore);
    assertThat(live).as("the live object is not modified").isEqualTo(liveBefore);
    assertThat(ENGINE.diff(desired, live, rules)).as("deterministic").isEqualTo(result);
  }

  /** Applying the patch to the live object (with an independent RFC 6902 implementation). */
  private static void assertPatchBringsLiveInSync(
      JsonNode desired, JsonNode live, IgnoreRules rules, Drifted drifted) {
    JsonNode patched = JsonPatch.apply(drifted.patch(), live);
    assertThat(ENGINE.diff(desired, patched, rules))
        .as("live object after the patch:%n%s", Fixtures.pretty(patched))
        .isInstanceOf(DiffResult.InSync.class);
  }

  private static ObjectNode describe(DiffResult result) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("state", result.getClass().getSimpleName());
    if (result instanceof Drifted drifted) {
      out.putArray("changedPaths")
          .addAll(drifted.changedPaths().stream().map(TextNode::valueOf).toList());
      out.set("patch", drifted.patch());
    } else if (result instanceof CannotCompare cannot) {
      out.put("reason", cannot.reason());
    }
    return out;
  }

  private static void write(Path dir, DiffResult result, ObjectNode actual) {
    try {
      // expected.json is written only when absent: an existing expectation is never blessed.
      Path expected = dir.resolve("expected.json");
      if (!Files.exists(expected)) {
        Files.writeString(expected, Fixtures.pretty(actual) + "\n");
      }
      if (result instanceof Drifted drifted) {
        Files.writeString(dir.resolve("expected.diff"), drifted.unifiedDiff());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
