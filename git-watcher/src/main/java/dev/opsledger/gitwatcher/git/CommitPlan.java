package dev.opsledger.gitwatcher.git;

import java.util.List;

/**
 * The commits a fetch brought, oldest first, in first-parent order.
 *
 * @param commits the commit ids to record, oldest first; empty when nothing is new
 * @param rewrittenFrom the previous head when the branch was rewritten (force-push), else null
 */
public record CommitPlan(List<String> commits, String rewrittenFrom) {

  /** Nothing new. */
  public static final CommitPlan NOTHING = new CommitPlan(List.of(), null);
}
