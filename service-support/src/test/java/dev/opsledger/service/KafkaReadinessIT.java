package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.testkit.SharedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The readiness probe of every service ({@code /actuator/health/readiness}, which deploy/kubernetes
 * polls) includes Kafka connectivity, and the liveness probe does not: a pod that cannot reach the
 * log is taken out of its Services, not restarted.
 */
@SpringBootTest(
    classes = KafkaReadinessIT.App.class,
    properties = {"opsledger.kafka.source=/opsledger/test", "opsledger.kafka.create-topics=false"})
class KafkaReadinessIT {

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
  }

  @Autowired HealthEndpoint health;

  @Test
  void readinessGroupReportsKafkaUpWhenTheBrokerAnswers() {
    var readiness = health.healthForPath("readiness");

    assertThat(readiness).isNotNull();
    assertThat(readiness.getStatus()).isEqualTo(Status.UP);
    assertThat(health.healthForPath("readiness", "kafka").getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void livenessGroupDoesNotDependOnKafka() {
    assertThat(health.healthForPath("liveness")).isNotNull();
    assertThat(health.healthForPath("liveness", "kafka")).isNull();
  }

  @Test
  void indicatorIsDownWithinItsTimeoutWhenNoBrokerListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    KafkaHealthIndicator indicator =
        new KafkaHealthIndicator(
            new KafkaConnection("127.0.0.1:" + closedPort, Map.of()), Duration.ofMillis(500));
    try {
      Health result = indicator.health();

      assertThat(result.getStatus()).isEqualTo(Status.DOWN);
    } finally {
      indicator.destroy();
    }
  }

  @Test
  void indicatorNamesTheClusterAndCountsItsBrokersWhenUp() {
    KafkaHealthIndicator indicator =
        new KafkaHealthIndicator(
            new KafkaConnection(SharedKafka.bootstrapServers(), Map.of()), Duration.ofSeconds(5));
    try {
      Health result = indicator.health();

      assertThat(result.getStatus()).isEqualTo(Status.UP);
      assertThat(result.getDetails()).containsKey("clusterId");
      assertThat((Integer) result.getDetails().get("brokers")).isPositive();
    } finally {
      indicator.destroy();
    }
  }

  @SpringBootApplication
  static class App {}
}
