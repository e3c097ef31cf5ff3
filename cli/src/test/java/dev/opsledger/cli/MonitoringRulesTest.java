package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules in {@code deploy/monitoring/} use only metrics the services
 * export, as the root README's metrics table names them (which {@code MetricsE2E} scrapes).
 */
class MonitoringRulesTest {

  private static final Path RULES = Path.of("../deploy/monitoring/prometheus-rules.yaml");
  private static final Path DASHBOARD = Path.of("../deploy/monitoring/grafana-dashboard.json");

  private final List<String> documented = MetricsTable.names();

  @Test
  void theReadmeTableNamesTheMetricsTheIssueAsksFor() {
    assertThat(documented)
        .contains(
            "opsledger_differ_resources",
            "opsledger_applier_applies_total",
            "opsledger_notifier_notifications_total",
            "opsledger_events_published_total",
            "opsledger_events_consumed_total",
            "spring_cloud_stream_binder_kafka_offset",
            "opsledger_events_dead_lettered_total",
            "opsledger_gitwatcher_webhook_requests_total",
            "opsledger_gitwatcher_fetch_seconds")
        .doesNotHaveDuplicates();
  }

  @Test
  void theAlertRulesAlertOnDriftApplyFailuresLagAndDeadLetters() throws IOException {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    assertThat(rules.path("kind").asText()).isEqualTo("PrometheusRule");
    List<String> alerts = new ArrayList<>();
    rules
        .path("spec")
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          assertThat(r.path("expr").asText())
                              .as(r.path("alert").asText())
                              .isNotBlank();
                          alerts.add(r.path("alert").asText());
                        }));
    assertThat(alerts)
        .contains(
            "OpsLedgerDriftUnhealed",
            "OpsLedgerApplyFailing",
            "OpsLedgerConsumerLag",
            "OpsLedgerDeadLettersGrowing");
  }

  @Test
  void theAlertRulesUseOnlyDocumentedMetrics() throws IOException {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    Set<String> used = new LinkedHashSet<>();
    rules
        .path("spec")
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r ->
                            used.addAll(MetricsTable.usedBy(r.path("expr").asText(), documented))));
    assertThat(used).isNotEmpty();
    assertThat(documented).containsAll(used);
  }

  @Test
  void theDashboardUsesOnlyDocumentedMetricsAndShowsEachOfThem() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> used = new LinkedHashSet<>();
    dashboard
        .path("panels")
        .forEach(
            p ->
                p.path("targets")
                    .forEach(
                        t ->
                            used.addAll(MetricsTable.usedBy(t.path("expr").asText(), documented))));
    assertThat(documented).containsAll(used);
    assertThat(used).containsAll(documented);
  }

  @Test
  void timerSuffixesAndLabelMatchersAreNotMistakenForMetricNames() {
    assertThat(
            MetricsTable.usedBy(
                "sum by (source) (rate(opsledger_gitwatcher_fetch_seconds_sum{outcome=\"ok\"}[5m]))"
                    + " / opsledger_unknown_total",
                List.of("opsledger_gitwatcher_fetch_seconds")))
        .containsExactly("opsledger_gitwatcher_fetch_seconds", "opsledger_unknown_total");
  }
}
