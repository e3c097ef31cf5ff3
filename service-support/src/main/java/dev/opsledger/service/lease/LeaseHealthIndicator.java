package dev.opsledger.service.lease;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * A service's lease in {@code /actuator/health}: always UP (a standby is healthy, and must stay
 * ready, or a rolling update would wait for it forever), with {@code active} true or false, the
 * service and whether the lease is taken at all. Not in the readiness or liveness group.
 */
public class LeaseHealthIndicator extends AbstractHealthIndicator {

  private final ServiceLease lease;

  /** The health of {@code lease}. */
  public LeaseHealthIndicator(ServiceLease lease) {
    super("lease health check failed");
    this.lease = lease;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder
        .up()
        .withDetail("service", lease.service())
        .withDetail("active", lease.active())
        .withDetail("enabled", lease.enabled());
    if (lease.enabled()) {
      builder
          .withDetail("topic", ServiceLease.topic(lease.name()))
          .withDetail("group", ServiceLease.group(lease.name()));
    }
  }
}
