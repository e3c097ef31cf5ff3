package dev.opsledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Where every mode writes its figures: {@code <bench.out>/<mode>-<UTC time>.json}. */
final class Results {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Results() {}

  static Path out() throws IOException {
    return Files.createDirectories(
        Path.of(System.getProperty("bench.out", "bench/target/bench-results")));
  }

  static Path root() {
    return Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  }

  static Path write(String mode, Map<String, Object> report) throws IOException {
    Path file =
        out()
            .resolve(
                mode
                    + "-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now())
                    + ".json");
    JSON.writeValue(file.toFile(), report);
    System.out.println("results: " + file);
    return file;
  }
}
