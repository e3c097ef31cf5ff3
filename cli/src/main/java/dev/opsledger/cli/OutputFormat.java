package dev.opsledger.cli;

import picocli.CommandLine.Option;

/** {@code -o table|json}. */
public class OutputFormat {

  /** The formats. */
  public enum Format {
    table,
    json
  }

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (for people) or json (for tools); default: ${DEFAULT-VALUE}")
  Format format;

  /** Whether JSON was asked for. */
  public boolean json() {
    return format == Format.json;
  }
}
