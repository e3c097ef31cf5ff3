package dev.opsledger.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that a service looks like every other one, so a newcomer who knows one knows all: at the
 * package root of its {@code <Service>Application} sit {@code <Service>Configuration}, {@code
 * <Service>Properties} (an immutable record bound by {@code @ConfigurationProperties}) and {@code
 * <Service>Metrics}.
 */
public final class ServiceLayout {

  private static final String CONFIGURATION_PROPERTIES =
      "org.springframework.boot.context.properties.ConfigurationProperties";

  private ServiceLayout() {}

  /** Fails, naming every class that is missing or misshapen, unless the service is laid out so. */
  public static void assertConventional(Class<?> application) {
    String name = application.getName();
    if (!name.endsWith("Application")) {
      throw new AssertionError(name + " is not named <Service>Application");
    }
    String base = name.substring(0, name.length() - "Application".length());
    List<String> problems = new ArrayList<>();
    find(base + "Configuration", problems);
    find(base + "Metrics", problems);
    Class<?> properties = find(base + "Properties", problems);
    if (properties != null && !properties.isRecord()) {
      problems.add(properties.getName() + " is not a record");
    }
    if (properties != null
        && Arrays.stream(properties.getAnnotations())
            .noneMatch(a -> a.annotationType().getName().equals(CONFIGURATION_PROPERTIES))) {
      problems.add(properties.getName() + " is not @ConfigurationProperties");
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", problems));
    }
  }

  private static Class<?> find(String name, List<String> problems) {
    try {
      return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      problems.add(name + " is missing (it belongs at the package root of the application)");
      return null;
    }
  }
}
