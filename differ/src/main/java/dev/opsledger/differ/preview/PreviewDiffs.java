package dev.opsledger.differ.preview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.diff.DiffResult;
import dev.opsledger.events.PreviewChange;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Compares a rendered request with the live state, resource by resource. Pure: the live state and
 * the engine come in as functions.
 */
public final class PreviewDiffs {

  private PreviewDiffs() {}

  /**
   * What merging the request would do.
   *
   * @param rendered the request's head, rendered by the git-watcher
   * @param live the live view of a resource
   * @param diff the engine with the ignore rules in force: (manifest, live or null) to a result
   * @return added (nothing live), changed (with the masked readable diff), unchanged, failed (with
   *     the reason) for each resource it declares differently; pruned for each it no longer
   *     declares that OpsLedger applied and is live
   */
  public static PreviewDiffed compare(
      PreviewRendered rendered,
      Function<ResourceKey, LiveView> live,
      BiFunction<JsonNode, JsonNode, DiffResult> diff) {
    List<PreviewChange> changes = new ArrayList<>();
    for (PreviewResource r : rendered.changed()) {
      changes.add(change(r, live.apply(r.resource()), diff));
    }
    for (ResourceKey removed : rendered.removed()) {
      LiveView view = live.apply(removed);
      if (view.present() && view.managed()) {
        changes.add(new PreviewChange(removed, PreviewChangeKind.PRUNED, ""));
      }
    }
    return new PreviewDiffed(
        rendered.sourceId(),
        rendered.repository(),
        rendered.provider(),
        rendered.number(),
        rendered.headSha(),
        rendered.renderedAt(),
        changes);
  }

  private static PreviewChange change(
      PreviewResource r, LiveView view, BiFunction<JsonNode, JsonNode, DiffResult> diff) {
    if (!view.present()) {
      return new PreviewChange(r.resource(), PreviewChangeKind.ADDED, "");
    }
    DiffResult result = diff.apply(r.manifest(), view.object());
    if (result instanceof DiffResult.Drifted d) {
      return new PreviewChange(r.resource(), PreviewChangeKind.CHANGED, d.unifiedDiff());
    }
    if (result instanceof DiffResult.CannotCompare c) {
      return new PreviewChange(r.resource(), PreviewChangeKind.FAILED, c.reason());
    }
    if (result instanceof DiffResult.Missing) {
      return new PreviewChange(r.resource(), PreviewChangeKind.ADDED, "");
    }
    return new PreviewChange(r.resource(), PreviewChangeKind.UNCHANGED, "");
  }
}
