package dev.opsledger.notifier;

import dev.opsledger.testkit.SharedKafka;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the notifier application against the shared broker with test properties. */
final class NotifierRunner {

  private final Map<String, Object> props = new LinkedHashMap<>();
  private int routes;

  NotifierRunner(String group) {
    props.put("opsledger.kafka.bootstrap-servers", SharedKafka.bootstrapServers());
    props.put("spring.main.web-application-type", "none");
    props.put("spring.main.banner-mode", "off");
    NotifierConfiguration.FUNCTIONS.forEach(f -> props.put(f.groupProperty(), group));
    // The digest's holds in test time: a commit settles 200 ms after its last event, a drift is
    // held 300 ms for its outcome, a retryable failure is an alert after 2 s.
    props.put("opsledger.notifier.digest.settle-quiet", "200ms");
    props.put("opsledger.notifier.digest.drift-hold", "300ms");
    props.put("opsledger.notifier.digest.grace", "2s");
    props.put("opsledger.notifier.digest.tick", "50ms");
  }

  NotifierRunner set(String key, Object value) {
    props.put(key, value);
    return this;
  }

  NotifierRunner channel(String name, String key, Object value) {
    return set("opsledger.notifier.channels." + name + "." + key, value);
  }

  NotifierRunner route(String source, String... channels) {
    int i = routes++;
    set("opsledger.notifier.routes[" + i + "].sources[0]", source);
    for (int c = 0; c < channels.length; c++) {
      set("opsledger.notifier.routes[" + i + "].channels[" + c + "]", channels[c]);
    }
    return this;
  }

  ConfigurableApplicationContext start() {
    // Command-line arguments, not builder properties: those are defaults with the lowest
    // precedence, below service-support's opsledger-defaults.
    String[] args =
        props.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(NotifierApplication.class).run(args);
  }
}
