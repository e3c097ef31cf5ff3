package dev.opsledger.service.lease;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A service's lease ({@code opsledger.<service>.lease.*}): whether replicas run active/standby, and
 * how fast a standby takes over from a replica that died without leaving.
 *
 * @param enabled Whether the service takes a lease at all. Off, every replica is active (one
 *     replica only: two would both do the work).
 * @param sessionTimeout How long the group coordinator waits for a silent holder (killed, paused,
 *     cut off) before the standby takes over; also how long a holder that cannot reach the
 *     coordinator keeps working before it stands by. Between the broker's {@code
 *     group.min.session.timeout.ms} (6 s by default) and {@code group.max.session.timeout.ms}.
 * @param heartbeatInterval How often the lease heartbeats; a standby learns within about this long
 *     that the holder left. At most a third of the session timeout.
 */
public record LeaseSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("1s") Duration heartbeatInterval) {

  /** The defaults: on, 10 s session, 1 s heartbeat. */
  public static final LeaseSettings DEFAULTS =
      new LeaseSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1));

  /** Rejects intervals the group protocol cannot use. */
  public LeaseSettings {
    sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
    heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(1) : heartbeatInterval;
    if (heartbeatInterval.isZero()
        || heartbeatInterval.isNegative()
        || heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
      throw new IllegalArgumentException(
          "lease.heartbeat-interval ("
              + heartbeatInterval
              + ") must be positive and at most a third of lease.session-timeout ("
              + sessionTimeout
              + ")");
    }
  }
}
