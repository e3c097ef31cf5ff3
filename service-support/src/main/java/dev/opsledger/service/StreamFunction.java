package dev.opsledger.service;

import dev.opsledger.events.Topic;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Spring Cloud Stream consumer of a service: the name of its {@code @Bean} function, the topic
 * it reads and its named consumer group. A service declares its functions once, as constants next
 * to its {@code @Bean} methods; the binding properties ({@code <name>-in-0}), the function
 * definition and the {@code opsledger up} launcher are all derived from them.
 *
 * @param name the function's bean name, e.g. {@code differDesiredIn}
 * @param topic the topic its input binding reads
 * @param group the consumer group, always named so a restart resumes where it stopped
 * @param settings further binding properties by full name (see {@link #consumer} and {@link
 *     #kafkaConsumer})
 */
public record StreamFunction(String name, Topic topic, String group, Map<String, String> settings) {

  /** Copies the settings, in order. */
  public StreamFunction {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** A consumer of {@code topic} in {@code group}. */
  public static StreamFunction of(String name, Topic topic, String group) {
    return new StreamFunction(name, topic, group, Map.of());
  }

  /** The input binding's name, {@code <name>-in-0}. */
  public String binding() {
    return name + "-in-0";
  }

  /** The full name of one of the input binding's properties, e.g. {@code group}. */
  public String property(String key) {
    return "spring.cloud.stream.bindings." + binding() + "." + key;
  }

  /** The property that names the consumer group, for tests that run in a group of their own. */
  public String groupProperty() {
    return property("group");
  }

  /** This function with a consumer setting of the binding, e.g. {@code concurrency}. */
  public StreamFunction consumer(String key, String value) {
    return with(property("consumer." + key), value);
  }

  /** This function with a Kafka binder consumer setting, e.g. {@code start-offset}. */
  public StreamFunction kafkaConsumer(String key, String value) {
    return with("spring.cloud.stream.kafka.bindings." + binding() + ".consumer." + key, value);
  }

  /** Every binding property of this function: destination, group and the settings. */
  public Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(property("destination"), topic.topicName());
    p.put(property("group"), group);
    p.putAll(settings);
    return p;
  }

  /** The value of {@code spring.cloud.function.definition} that binds these functions. */
  public static String definition(List<StreamFunction> functions) {
    return functions.stream().map(StreamFunction::name).collect(Collectors.joining(";"));
  }

  /** The definition of several services' functions in one context. */
  @SafeVarargs
  public static String definition(List<StreamFunction>... services) {
    return definition(Arrays.stream(services).flatMap(List::stream).toList());
  }

  private StreamFunction with(String key, String value) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put(key, value);
    return new StreamFunction(name, topic, group, s);
  }
}
