package dev.opsledger.collector.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in rules against golden live objects: {@code src/test/resources/health/<case>/} holds
 * {@code live.yaml}, an object as the API server returns it (status included), and {@code
 * expected.yaml}, the health and the rule that decides it.
 */
class KubernetesHealthTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path root = Path.of(KubernetesHealthTest.class.getResource("/health").toURI());
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs
          .filter(Files::isDirectory)
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachKindRuleTellsTheHealthOfItsGoldenLiveObject(String name) throws Exception {
    JsonNode live = read(name, "live.yaml");
    JsonNode expected = read(name, "expected.yaml");

    Health health = HealthAssessor.builtIn().assess(live);

    assertThat(health.status().label())
        .as("%s: %s", name, health.message())
        .isEqualTo(expected.path("health").asText());
    assertThat(health.reason()).isEqualTo(expected.path("reason").asText());
  }

  private static JsonNode read(String name, String file) throws IOException {
    try (var in = KubernetesHealthTest.class.getResourceAsStream("/health/" + name + "/" + file)) {
      return YAML.readTree(in);
    }
  }
}
