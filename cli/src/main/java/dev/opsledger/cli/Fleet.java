package dev.opsledger.cli;

import dev.opsledger.applier.ApplierConfiguration;
import dev.opsledger.collector.StateCollectorConfiguration;
import dev.opsledger.differ.DifferConfiguration;
import dev.opsledger.gitwatcher.GitWatcherConfiguration;
import dev.opsledger.notifier.NotifierConfiguration;
import dev.opsledger.service.StreamFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The five services in one Spring context: what {@code opsledger up} runs. Each service's
 * {@code @Configuration} is imported as it is in the service's own application; the settings {@code
 * up} decides (broker, repository, cluster, policies) are passed as command-line properties, which
 * win over every service's defaults.
 */
public final class Fleet {

  private Fleet() {}

  /** The stream functions of every service, bound together in the one context. */
  static final String FUNCTIONS =
      StreamFunction.definition(
          GitWatcherConfiguration.FUNCTIONS,
          StateCollectorConfiguration.FUNCTIONS,
          DifferConfiguration.FUNCTIONS,
          ApplierConfiguration.FUNCTIONS,
          NotifierConfiguration.FUNCTIONS);

  /** The application class of the fleet: the services' configurations, nothing scanned. */
  @SpringBootApplication(scanBasePackages = "dev.opsledger.cli.fleet")
  @Import({
    GitWatcherConfiguration.class,
    StateCollectorConfiguration.class,
    DifferConfiguration.class,
    ApplierConfiguration.class,
    NotifierConfiguration.class
  })
  static class FleetApplication {}

  /** Starts the fleet; closing the returned context stops it. */
  public static ConfigurableApplicationContext start(Map<String, Object> properties) {
    // Axon asks the internet for updates unless told not to; OpsLedger never phones home.
    System.setProperty("axoniq.update-checker.disabled", "true");
    // Logging is configured once, by the CLI's logback.xml. Spring Boot would reset it while the
    // embedded broker's threads log, and logback then prints "No appenders present" warnings on
    // the terminal.
    System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    // Spring Boot's logging system would also have routed java.util.logging (Tomcat's) to SLF4J;
    // without it, JUL's console handler prints Tomcat's start-up lines on the terminal.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    List<String> args = new ArrayList<>();
    args.add("--spring.cloud.function.definition=" + FUNCTIONS);
    args.add("--spring.application.name=opsledger-up");
    args.add("--opsledger.kafka.source=/opsledger/up");
    properties.forEach((k, v) -> args.add("--" + k + "=" + v));
    SpringApplication app = new SpringApplication(FleetApplication.class);
    app.setWebApplicationType(WebApplicationType.SERVLET);
    app.setRegisterShutdownHook(false);
    // The terminal is for OpsLedger's own lines (the banner also printed empty version lines).
    app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
    return app.run(args.toArray(String[]::new));
  }

  /** The git-watcher's one source. */
  static void sourceProperties(
      Map<String, Object> p,
      String id,
      String url,
      String branch,
      String path,
      String target,
      String pollInterval,
      Path cacheDir) {
    p.put("opsledger.git-watcher.cache-dir", cacheDir.toString());
    p.put("opsledger.git-watcher.sources[0].id", id);
    p.put("opsledger.git-watcher.sources[0].url", url);
    p.put("opsledger.git-watcher.sources[0].branch", branch);
    if (path != null && !path.isBlank()) {
      p.put("opsledger.git-watcher.sources[0].path", path);
    }
    p.put("opsledger.git-watcher.sources[0].target", target);
    p.put("opsledger.git-watcher.sources[0].poll-interval", pollInterval);
  }

  /** The cluster the collector watches and the applier writes to. */
  static void kubernetesProperties(
      Map<String, Object> p, String target, Path kubeconfig, String context) {
    p.put("opsledger.state-collector.kubernetes.targets[0].name", target);
    p.put("opsledger.state-collector.kubernetes.targets[0].kubeconfig", kubeconfig.toString());
    p.put("opsledger.applier.kubernetes.target", target);
    p.put("opsledger.applier.kubernetes.kubeconfig", kubeconfig.toString());
    if (context != null) {
      p.put("opsledger.state-collector.kubernetes.targets[0].context", context);
      p.put("opsledger.applier.kubernetes.context", context);
    }
  }

  /** The differ's embedded H2 event store. */
  static void differProperties(Map<String, Object> p, Path dir) {
    p.put("opsledger.differ.data-dir", dir.toString());
  }

  /**
   * One event store for several differ JVMs: unless a database is configured (PostgreSQL, {@code
   * spring.datasource.url}, as a property or {@code -D}), the H2 file in mixed mode, which the
   * first differ to open it serves to the others on loopback ({@code h2.bindAddress}, set by {@link
   * ServiceCommand}). Separate files would each hold part of every resource's history.
   */
  static void sharedDifferStore(Map<String, Object> p, Path dir) {
    if (p.containsKey("spring.datasource.url")
        || System.getProperty("spring.datasource.url") != null
        || System.getenv("SPRING_DATASOURCE_URL") != null) {
      return;
    }
    // H2 refuses DB_CLOSE_ON_EXIT=FALSE (the default URL's) with AUTO_SERVER.
    p.put(
        "spring.datasource.url",
        "jdbc:h2:file:" + dir.resolve("differ") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
  }

  /**
   * The applier's management port (approvals), on loopback, and the one approver: the local user,
   * with {@code up}'s token.
   */
  static void managementProperties(Map<String, Object> p, int port, String identity, String token) {
    p.put("opsledger.applier.management.address", "127.0.0.1");
    p.put("opsledger.applier.management.port", Integer.toString(port));
    p.put("opsledger.applier.management.tokens[" + identity + "]", token);
  }

  /** The demo source's policy. */
  static void applierProperties(
      Map<String, Object> p, String source, boolean autoSync, boolean selfHeal, boolean prune) {
    p.put("opsledger.applier.sources." + source + ".auto-sync", Boolean.toString(autoSync));
    p.put("opsledger.applier.sources." + source + ".self-heal", Boolean.toString(selfHeal));
    p.put("opsledger.applier.sources." + source + ".prune", Boolean.toString(prune));
  }
}
