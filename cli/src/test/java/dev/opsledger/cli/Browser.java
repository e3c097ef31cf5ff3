package dev.opsledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, driven by Playwright ({@code playwright-core} from the web module's
 * npm project, run by the machine's Node) through {@code web/ui/test/browser.mjs}: one JSON command
 * per line. The browser profile is fresh and deleted at close; only loopback is reached.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path UI = Path.of("..", "web", "ui").toAbsolutePath().normalize();

  private final Process node;
  private final Writer in;
  private final BufferedReader out;
  private final Path log;

  /** Starts Chromium; {@code log} gets what Node and Playwright print on stderr. */
  Browser(Path log) throws IOException {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(
          CHROMIUM + " is missing: apt-get install chromium (.ci/run installs it)");
    }
    if (!Files.isDirectory(UI.resolve("node_modules/playwright-core"))) {
      throw new IllegalStateException(
          "playwright-core is not installed in " + UI + ": build the web module first");
    }
    this.log = log;
    ProcessBuilder pb = new ProcessBuilder("node", "test/browser.mjs");
    pb.directory(UI.toFile());
    pb.environment().put("CHROMIUM", CHROMIUM.toString());
    pb.redirectError(log.toFile());
    node = pb.start();
    in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    call(null);
  }

  /** Opens {@code url}. */
  void open(String url) {
    call(command("goto").put("url", url));
  }

  /** Waits until the first element matching {@code selector} contains {@code text}; its text. */
  String waitForText(String selector, String text) {
    return call(command("text").put("selector", selector).put("contains", text)).asText();
  }

  /**
   * Waits until an element matches {@code selector} with attribute {@code name} = {@code value}.
   */
  void waitForAttribute(String selector, String name, String value) {
    call(command("attr").put("selector", selector).put("name", name).put("equals", value));
  }

  /**
   * Waits until an element matches {@code selector} with {@code part} in attribute {@code name}.
   */
  void waitForAttributeContaining(String selector, String name, String part) {
    call(
        command("attr")
            .put("selector", selector)
            .put("name", name)
            .put("equals", part)
            .put("contains", true));
  }

  /** Moves the range input {@code selector} to {@code value}, as a drag that ends there. */
  void slide(String selector, String value) {
    call(command("slide").put("selector", selector).put("value", value));
  }

  /** The value of a JavaScript expression in the page, as text. */
  String eval(String expression) {
    return call(command("eval").put("expression", expression)).asText();
  }

  /** A PNG of the whole page. */
  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    call(command("screenshot").put("path", file.toAbsolutePath().toString()));
  }

  /** Page errors, console errors and Content-Security-Policy violations seen so far. */
  List<String> errors() {
    List<String> all = new ArrayList<>();
    call(command("errors")).forEach(n -> all.add(n.asText()));
    return all;
  }

  private static ObjectNode command(String op) {
    return EventJson.mapper().createObjectNode().put("op", op);
  }

  private synchronized JsonNode call(ObjectNode command) {
    try {
      if (command != null) {
        in.write(command.toString() + "\n");
        in.flush();
      }
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException("the browser driver exited:\n" + Files.readString(log));
      }
      JsonNode answer = EventJson.mapper().readTree(line);
      if (!answer.path("ok").asBoolean()) {
        throw new AssertionError(
            "browser: " + command + " failed: " + answer.path("error").asText());
      }
      return answer.path("value");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      in.write("{\"op\":\"close\"}\n");
      in.flush();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.destroyForcibly();
    }
  }
}
