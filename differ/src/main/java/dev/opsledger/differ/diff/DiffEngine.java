package dev.opsledger.differ.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.diff.DiffResult.CannotCompare;
import dev.opsledger.differ.diff.DiffResult.Drifted;
import dev.opsledger.differ.diff.DiffResult.InSync;
import dev.opsledger.differ.diff.DiffResult.Missing;
import dev.opsledger.differ.normalize.AnnotatedIgnoreRules;
import dev.opsledger.differ.normalize.Comparison;
import dev.opsledger.differ.normalize.IgnoreRules;
import dev.opsledger.differ.normalize.Normalizer;
import dev.opsledger.differ.normalize.NormalizerChain;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a live object does what its manifest declares: a pure function of the desired
 * manifest, the live object and the ignore rules.
 *
 * <p>The steps, in order: read which object each document names and check they are the same one at
 * the same API version; copy them (the live copy restricted to what the manifest sets); normalise
 * the copies; compare them one way; and, when they differ, write the patch, the changed paths and
 * the readable diff. Every step is deterministic, so replaying the same inputs gives the same
 * result, and an instance is immutable and safe to share between threads.
 *
 * <pre>{@code
 * DiffResult result = DiffEngine.standard().diff(desired, live, IgnoreRules.none());
 * }</pre>
 */
public final class DiffEngine {

  /** OpsLedger's server-side apply field manager unless configured otherwise. */
  public static final String DEFAULT_FIELD_MANAGER = "opsledger";

  private static final DiffEngine STANDARD =
      new DiffEngine(NormalizerChain.standard(), DEFAULT_FIELD_MANAGER);

  private final Normalizer normalizer;
  private final String fieldManager;

  /**
   * An engine with the given normalisation, for objects applied by field manager {@value
   * #DEFAULT_FIELD_MANAGER}.
   *
   * @param normalizer applied to each comparison before the diff; usually {@link
   *     NormalizerChain#standard()}
   */
  public DiffEngine(Normalizer normalizer) {
    this(normalizer, DEFAULT_FIELD_MANAGER);
  }

  /**
   * An engine with the given normalisation.
   *
   * @param normalizer applied to each comparison before the diff; usually {@link
   *     NormalizerChain#standard()}
   * @param fieldManager the field manager OpsLedger applies with: its {@code Apply} entry in the
   *     live object's {@code managedFields} says which fields OpsLedger applied
   */
  public DiffEngine(Normalizer normalizer, String fieldManager) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
  }

  /** The engine with the standard normalisers ({@link NormalizerChain#standard()}). */
  public static DiffEngine standard() {
    return STANDARD;
  }

  /** The standard normalisers, for objects applied by {@code fieldManager}. */
  public static DiffEngine standard(String fieldManager) {
    return DEFAULT_FIELD_MANAGER.equals(fieldManager)
        ? STANDARD
        : new DiffEngine(NormalizerChain.standard(), fieldManager);
  }

  /**
   * Compares a desired manifest with the live object, without ignore rules.
   *
   * @see #diff(JsonNode, JsonNode, IgnoreRules)
   */
  public DiffResult diff(JsonNode desired, JsonNode live) {
    return diff(desired, live, IgnoreRules.none());
  }

  /**
   * Compares a desired manifest with the live object.
   *
   * <p>Besides the fields the manifest sets, a field OpsLedger applied before (the live object's
   * {@code managedFields} entry of its field manager, operation {@code Apply}, names it) that the
   * manifest no longer declares is drift: a {@code remove} in the patch, its live pointer among the
   * changed paths, removed in the readable diff. Without that entry (an object OpsLedger never
   * applied, or an observation from before the collector kept it) only the fields the manifest sets
   * are compared.
   *
   * @param desired the desired manifest as JSON (Secret values sealed); not modified
   * @param live the live object as JSON (Secret values hashed), or {@code null}, a JSON {@code
   *     null} or a missing node when nothing lives under the manifest's name; not modified
   * @param configured the configured ignore rules; the manifest's own ({@link
   *     AnnotatedIgnoreRules}) are added for it
   * @return {@code InSync}, {@code Drifted}, {@code Missing} or {@code CannotCompare}; never throws
   *     for bad input
   */
  public DiffResult diff(JsonNode desired, JsonNode live, IgnoreRules configured) {
    Objects.requireNonNull(configured, "rules");
    try {
      ManifestRef ref = ManifestRef.of(desired, "desired manifest");
      // Checked before the live object is looked at: a malformed annotation is the manifest's
      // fault, reported whether or not anything lives under its name.
      IgnoreRules rules = AnnotatedIgnoreRules.forManifest(configured, ref, desired);
      if (live == null || live.isMissingNode() || live.isNull()) {
        return new Missing();
      }
      requireSameObject(ref, ManifestRef.of(live, "live object"));
      Comparison comparison =
          new Comparison(ref, (ObjectNode) desired.deepCopy(), Projection.of(desired, live), rules);
      normalizer.normalize(comparison);
      List<Change> changes = OneWayDiff.changes(comparison);
      List<Path> removed =
          AppliedFields.removed(ref, desired, live, fieldManager, rules.pathsFor(ref));
      return changes.isEmpty() && removed.isEmpty()
          ? new InSync()
          : drifted(comparison, changes, removed, live);
    } catch (NotComparableException e) {
      return new CannotCompare(e.reason());
    } catch (RuntimeException e) {
      // Valid JSON must never stop the differ: an input the steps above did not foresee is
      // reported on the log as a DiffFailed (and fixed here), not retried or dead-lettered.
      return new CannotCompare(
          "the diff engine failed on this input ("
              + e.getClass().getSimpleName()
              + "): a defect, please report it");
    }
  }

  private static void requireSameObject(ManifestRef desired, ManifestRef live)
      throws NotComparableException {
    boolean sameNamespace =
        desired.namespace().isEmpty()
            || live.namespace().isEmpty()
            || desired.namespace().equals(live.namespace());
    if (!desired.groupKind().equals(live.groupKind())
        || !desired.name().equals(live.name())
        || !sameNamespace) {
      throw new NotComparableException(
          "the desired manifest is "
              + desired.describe()
              + " but the live object is "
              + live.describe());
    }
    if (!desired.version().equals(live.version())) {
      throw new NotComparableException(
          "the desired manifest is "
              + desired.apiVersion()
              + " but the live object was read as "
              + live.apiVersion()
              + ": fields differ between versions, so both must be read at the version the"
              + " manifest declares");
    }
  }

  private static Drifted drifted(
      Comparison comparison, List<Change> changes, List<Path> removed, JsonNode live) {
    Set<String> paths = new LinkedHashSet<>();
    changes.forEach(c -> paths.add(c.desiredPath().pointer()));
    removed.forEach(p -> paths.add(p.pointer()));
    List<Change> all = new ArrayList<>(changes);
    // After the other operations, whose list indices are the observed ones; the last item of a
    // list first, so that no removal shifts the index of another.
    removed.stream()
        .sorted(PatchBuilder.LAST_FIRST)
        .forEach(p -> all.add(new Change(Change.Op.REMOVE, p, p, null)));
    return new Drifted(
        PatchBuilder.build(all, live, comparison.desired()),
        ReadableDiff.render(comparison, removed, live),
        List.copyOf(paths));
  }
}
