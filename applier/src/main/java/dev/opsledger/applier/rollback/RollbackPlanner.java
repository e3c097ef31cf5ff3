package dev.opsledger.applier.rollback;

import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Plans a rollback from what the log recorded of a source: its revisions ({@code CommitObserved})
 * and its declarations ({@code DesiredStateChanged}, {@code DesiredStateRemoved}). Pure.
 *
 * <p>The state of a resource at a revision is its last declaration at or before that revision's
 * sequence: the git-watcher declares only what a revision changes, so a resource a revision did not
 * touch keeps the manifest an earlier one declared. A revision named by a time is the one recorded
 * last at or before that time. A resource the target did not declare (added later, or removed at
 * the target) is left as is and reported, not pruned: a rollback is a deliberate act on what
 * existed, and deleting what was added since is a separate decision (Argo CD prunes only when asked
 * to).
 */
public final class RollbackPlanner {

  /** The shortest SHA prefix accepted: shorter ones match too much to be meant. */
  public static final int MIN_PREFIX = 4;

  /**
   * A revision of a source as the git-watcher recorded it.
   *
   * @param sourceId the source
   * @param sha the commit
   * @param sequence its position in the source's history, or {@code null} in old logs
   * @param recordedAt when it was recorded (the event's time)
   */
  public record Revision(String sourceId, String sha, Long sequence, Instant recordedAt) {}

  private RollbackPlanner() {}

  /**
   * Plans the rollback.
   *
   * @param target what was asked
   * @param revisions every recorded revision, of any source, in log order
   * @param declarations every declaration and removal, of any source, in log order
   * @throws RollbackRefused when the log does not know what was named, or nothing would change
   */
  public static RollbackPlan plan(
      RollbackTarget target, List<Revision> revisions, List<ResourceEvent> declarations) {
    String sourceId = sourceOf(target, declarations);
    List<Revision> history = revisions.stream().filter(r -> r.sourceId().equals(sourceId)).toList();
    if (history.isEmpty()) {
      throw new RollbackRefused(404, "the log has no revision of source " + sourceId);
    }
    if (history.stream().anyMatch(r -> r.sequence() == null)) {
      throw new RollbackRefused(
          422,
          "source "
              + sourceId
              + " has revisions recorded before revision sequences existed: they cannot be"
              + " placed, roll back with a Git revert instead");
    }
    Revision to = target.sha() != null ? bySha(history, target.sha()) : byTime(history, target);
    Revision head = history.stream().max(Comparator.comparing(Revision::sequence)).orElseThrow();
    Map<ResourceKey, List<ResourceEvent>> byResource = declarationsOf(sourceId, declarations);
    if (target.resource() != null) {
      byResource.keySet().retainAll(List.of(target.resource()));
    }
    return steps(sourceId, to, head, byResource, target);
  }

  private static RollbackPlan steps(
      String sourceId,
      Revision to,
      Revision head,
      Map<ResourceKey, List<ResourceEvent>> byResource,
      RollbackTarget target) {
    List<RollbackPlan.Step> steps = new ArrayList<>();
    List<RollbackPlan.Left> left = new ArrayList<>();
    List<ResourceKey> unchanged = new ArrayList<>();
    for (Map.Entry<ResourceKey, List<ResourceEvent>> e : byResource.entrySet()) {
      ResourceEvent atTarget = lastUpTo(e.getValue(), to.sequence());
      ResourceEvent atHead = lastUpTo(e.getValue(), Long.MAX_VALUE);
      if (!(atTarget instanceof DesiredStateChanged declared)) {
        if (atHead instanceof DesiredStateChanged) {
          left.add(
              new RollbackPlan.Left(
                  e.getKey(),
                  "not declared at "
                      + shortSha(to.sha())
                      + ": left as is, not pruned (delete it in Git, or by hand)"));
        }
        continue;
      }
      if (atHead == atTarget) {
        unchanged.add(e.getKey());
        continue;
      }
      steps.add(
          new RollbackPlan.Step(
              e.getKey(), declared.manifest(), declared.revision(), revisionOf(atHead)));
    }
    if (steps.isEmpty()) {
      throw new RollbackRefused(
          409,
          "nothing to roll back: "
              + target.scope()
              + " is declared at "
              + shortSha(to.sha())
              + " as at Git's head "
              + shortSha(head.sha())
              + (left.isEmpty() ? "" : " (" + left.size() + " resource(s) it did not declare)"));
    }
    return new RollbackPlan(
        sourceId, to.sha(), head.sha(), head.sequence(), steps, left, unchanged);
  }

  private static String sourceOf(RollbackTarget target, List<ResourceEvent> declarations) {
    if (target.sourceId() != null) {
      return target.sourceId();
    }
    String source = null;
    for (ResourceEvent e : declarations) {
      if (e.resource().equals(target.resource())) {
        source = sourceIdOf(e);
      }
    }
    if (source == null) {
      throw new RollbackRefused(
          404, "the log has no desired state of " + target.resource() + ": Git never declared it");
    }
    return source;
  }

  private static Revision bySha(List<Revision> history, String sha) {
    String prefix = sha.toLowerCase(Locale.ROOT);
    if (prefix.length() < MIN_PREFIX || !prefix.matches("[0-9a-f]+")) {
      throw new RollbackRefused(
          404,
          "'"
              + shorten(sha)
              + "' is not a revision: give a SHA or a prefix of at least "
              + MIN_PREFIX
              + " hex digits");
    }
    TreeSet<String> matches = new TreeSet<>();
    Revision found = null;
    for (Revision r : history) {
      if (r.sha().toLowerCase(Locale.ROOT).startsWith(prefix)) {
        matches.add(r.sha());
        // A SHA recorded twice (a force-push back to it) is placed at its latest recording.
        if (found == null || !found.sha().equals(r.sha()) || r.sequence() > found.sequence()) {
          found = r;
        }
      }
    }
    String sourceId = history.get(0).sourceId();
    if (matches.isEmpty()) {
      throw new RollbackRefused(
          404, "no revision of source " + sourceId + " starts with " + shorten(sha));
    }
    if (matches.size() > 1) {
      throw new RollbackRefused(
          409,
          shorten(sha)
              + " is ambiguous in source "
              + sourceId
              + ": it starts "
              + matches.size()
              + " revisions ("
              + String.join(", ", matches.stream().map(RollbackPlanner::shortSha).toList())
              + "); give more digits");
    }
    return found;
  }

  private static Revision byTime(List<Revision> history, RollbackTarget target) {
    Revision found = null;
    for (Revision r : history) {
      if (!r.recordedAt().isAfter(target.at())
          && (found == null || r.sequence() > found.sequence())) {
        found = r;
      }
    }
    if (found == null) {
      throw new RollbackRefused(
          404,
          "source "
              + history.get(0).sourceId()
              + " had no revision yet at "
              + target.at()
              + " (its first was recorded at "
              + history.get(0).recordedAt()
              + ")");
    }
    return found;
  }

  private static Map<ResourceKey, List<ResourceEvent>> declarationsOf(
      String sourceId, List<ResourceEvent> declarations) {
    Map<ResourceKey, List<ResourceEvent>> out = new LinkedHashMap<>();
    for (ResourceEvent e : declarations) {
      if (sourceId.equals(sourceIdOf(e)) && sequenceOf(e) != null) {
        out.computeIfAbsent(e.resource(), k -> new ArrayList<>()).add(e);
      }
    }
    return out;
  }

  /** The last declaration with a sequence at or below {@code sequence}; later in the log wins. */
  private static ResourceEvent lastUpTo(List<ResourceEvent> events, long sequence) {
    ResourceEvent last = null;
    for (ResourceEvent e : events) {
      long s = sequenceOf(e);
      if (s <= sequence && (last == null || s >= sequenceOf(last))) {
        last = e;
      }
    }
    return last;
  }

  private static String sourceIdOf(ResourceEvent e) {
    if (e instanceof DesiredStateChanged c) {
      return c.sourceId();
    }
    return e instanceof DesiredStateRemoved r ? r.sourceId() : null;
  }

  private static Long sequenceOf(ResourceEvent e) {
    if (e instanceof DesiredStateChanged c) {
      return c.sequence();
    }
    return e instanceof DesiredStateRemoved r ? r.sequence() : null;
  }

  private static String revisionOf(ResourceEvent e) {
    if (e instanceof DesiredStateChanged c) {
      return c.revision();
    }
    return ((DesiredStateRemoved) e).revision();
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
