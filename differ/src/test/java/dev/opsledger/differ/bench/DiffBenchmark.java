package dev.opsledger.differ.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonDiff;
import dev.opsledger.differ.Fixtures;
import dev.opsledger.differ.diff.DiffEngine;
import dev.opsledger.differ.diff.DiffResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Diff pairs per second over the golden corpus (realistic desired manifests and live objects as the
 * API server returns them, {@code managedFields} and {@code status} included), side by side with
 * zjsonpatch's {@code JsonDiff.asJson} computing a patch for the same pairs.
 *
 * <p>One operation is one pair; the pairs are taken in turn, so a figure is the mean over the
 * corpus. The comparison is not like for like: zjsonpatch diffs the whole documents both ways
 * without normalising (and so reports every server-set field), while the engine normalises,
 * compares one way and, for drifts, also renders the readable diff.
 *
 * <p>Run: {@code ./mvnw -B -f differ/pom.xml -Pbench test} (JMH options in {@code -Djmh.args}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiffBenchmark {

  private final DiffEngine engine = DiffEngine.standard();
  private List<Fixtures.Pair> pairs;
  private int next;

  /** Loads the corpus from the test classpath. */
  @Setup
  public void loadCorpus() throws URISyntaxException {
    Path cases = Path.of(DiffBenchmark.class.getClassLoader().getResource("diff").toURI());
    pairs = Fixtures.goldenPairs(cases);
    if (pairs.size() < 30) {
      throw new IllegalStateException("the corpus has only " + pairs.size() + " pairs");
    }
  }

  private Fixtures.Pair nextPair() {
    Fixtures.Pair pair = pairs.get(next);
    next = next + 1 == pairs.size() ? 0 : next + 1;
    return pair;
  }

  /** The OpsLedger engine: normalise, one-way diff, patch and (for drifts) readable diff. */
  @Benchmark
  public DiffResult opsledgerDiffEngine() {
    Fixtures.Pair pair = nextPair();
    return engine.diff(pair.desired(), pair.live(), pair.rules());
  }

  /** zjsonpatch: an RFC 6902 patch from the live object to the desired manifest, as they are. */
  @Benchmark
  public JsonNode zjsonpatchJsonDiff() {
    Fixtures.Pair pair = nextPair();
    return JsonDiff.asJson(pair.live(), pair.desired());
  }
}
