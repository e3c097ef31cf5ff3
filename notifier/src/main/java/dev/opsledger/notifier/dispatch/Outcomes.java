package dev.opsledger.notifier.dispatch;

import dev.opsledger.notifier.channel.Channel;
import dev.opsledger.notifier.notice.Notice;

/** Where the result of a delivery goes: the log, the ledger and the meters. */
public interface Outcomes {

  /** The channel accepted the notice after {@code attempts} attempts. */
  void sent(Channel channel, Notice notice, int attempts);

  /** The notice could not be delivered after {@code attempts} attempts, for a safe reason. */
  void failed(Channel channel, Notice notice, int attempts, String reason);

  /** The notice was folded into a storm summary instead of being sent on its own. */
  default void folded(Channel channel, Notice notice) {}
}
