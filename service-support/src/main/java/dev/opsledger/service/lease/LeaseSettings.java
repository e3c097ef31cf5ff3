package dev.opsledger.service.lease;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
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
 * @param name The lease's name, shared by the replicas of one deployment: its topic is {@code
 *     opsledger.leases.<name>} and its group {@code opsledger-<name>-lease}. Empty: the service's
 *     name and a hash of what it is configured to watch (its sources, its targets), so that two
 *     deployments watching different things never share a lease. Set it to grant the ACLs by a
 *     fixed name.
 */
public record LeaseSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("1s") Duration heartbeatInterval,
    @DefaultValue("") String name) {

  /** The defaults: on, 10 s session, 1 s heartbeat, the name derived from the configuration. */
  public static final LeaseSettings DEFAULTS =
      new LeaseSettings(true, Duration.ofSeconds(10), Duration.ofSeconds(1), "");

  /** Rejects intervals the group protocol cannot use. */
  public LeaseSettings {
    sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
    heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(1) : heartbeatInterval;
    name = name == null ? "" : name.strip();
    if (!name.isEmpty() && !name.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          "lease.name '" + name + "' may only hold letters, digits, '.', '_' and '-'");
    }
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

  /**
   * The lease's name: {@link #name} when set, else {@code <service>-<12 hex digits>} of a hash of
   * {@code scope} (what the service watches: its source ids, its target names; order ignored).
   */
  public String leaseName(String service, Collection<String> scope) {
    if (!name.isEmpty()) {
      return name;
    }
    if (scope.isEmpty()) {
      return service;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha.digest(String.join("\n", new TreeSet<>(scope)).getBytes(StandardCharsets.UTF_8));
      return service + "-" + HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
