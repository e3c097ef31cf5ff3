package dev.opsledger.service;

import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the service reaches its Kafka cluster, as the readiness group's {@code kafka} member: a
 * service that cannot reach the log can neither consume nor publish, so it should get no traffic
 * (the applier's approvals, the git-watcher's webhooks) until it can. It is not in the liveness
 * group on purpose: restarting a pod does not bring a broker back, and the consumers already retry
 * for as long as an outage lasts.
 *
 * <p>One admin client, created on the first check with the service's own client properties (so it
 * authenticates as the service does), asks for the cluster id and its brokers within {@code
 * timeout}.
 */
public class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

  private final KafkaConnection connection;
  private final Duration timeout;
  private Admin admin;

  /**
   * @param connection the service's cluster and client properties
   * @param timeout how long one check may take before the service counts as not ready
   */
  public KafkaHealthIndicator(KafkaConnection connection, Duration timeout) {
    super("Kafka health check failed");
    this.connection = connection;
    this.timeout = timeout;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    DescribeClusterResult cluster = describe();
    String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Collection<Node> nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (nodes.isEmpty()) {
      builder.down().withDetail("clusterId", clusterId).withDetail("brokers", 0);
      return;
    }
    builder.up().withDetail("clusterId", clusterId).withDetail("brokers", nodes.size());
  }

  /**
   * Asks the cluster for its brokers, as a check does; returns normally when at least one answered
   * within the timeout (for {@link KafkaReachability}).
   */
  public void probe() throws Exception {
    Collection<Node> nodes = describe().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (nodes.isEmpty()) {
      throw new IllegalStateException("the cluster answered with no broker");
    }
  }

  private DescribeClusterResult describe() {
    return admin()
        .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Map<String, Object> config = new HashMap<>(KafkaSettings.admin(connection));
      int millis = (int) timeout.toMillis();
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
      config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "opsledger-health");
      admin = Admin.create(config);
    }
    return admin;
  }

  @Override
  public synchronized void destroy() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
  }
}
