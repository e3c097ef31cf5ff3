package dev.opsledger.collector;

import dev.opsledger.collector.aws.AwsCollector;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.kubernetes.KubernetesCollector;
import dev.opsledger.service.lease.ServiceLease;
import org.springframework.context.SmartLifecycle;

/**
 * Watches and reports while this replica holds the state-collector's lease.
 *
 * <p>Active/standby: two collectors of one cluster would both report every change. A standby keeps
 * the projection of {@code opsledger.desired} up to date (its binding runs everywhere), but runs no
 * informer, polls no AWS account and reports nothing. The replica that takes the lease over starts
 * as a collector starts: a clear ledger, an informer (a full list) per declared kind, a poll of
 * every AWS target, so it reports the whole live state once, which consumers take as unchanged
 * where it is.
 */
public class StateCollectorService implements SmartLifecycle, ServiceLease.Listener {

  private final ServiceLease lease;
  private final ObservationEmitter emitter;
  private final KubernetesCollector kubernetes;
  private final AwsCollector aws;
  private volatile boolean running;

  /**
   * A service that runs these collectors while {@code lease} is held; they stand by from now on.
   */
  public StateCollectorService(
      ServiceLease lease,
      ObservationEmitter emitter,
      KubernetesCollector kubernetes,
      AwsCollector aws) {
    this.lease = lease;
    this.emitter = emitter;
    this.kubernetes = kubernetes;
    this.aws = aws;
    onStandby();
  }

  @Override
  public void start() {
    running = true;
    lease.start(this);
  }

  /** Stands by (informers closed, nothing reported), then gives the lease up for a standby. */
  @Override
  public void stop() {
    lease.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Reports again with a clear ledger, then lists every declared kind and polls AWS. */
  @Override
  public void onActive() {
    emitter.activate();
    kubernetes.activate();
    aws.activate();
  }

  /** Stops reporting first, then the informers and polls. */
  @Override
  public void onStandby() {
    emitter.standBy();
    kubernetes.standBy();
    aws.standBy();
  }
}
