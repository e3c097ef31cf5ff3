package dev.opsledger.gitwatcher.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits {@code helm template} output into one rendered file per template, using the {@code #
 * Source: <chart name>/templates/x.yaml} comment helm writes above each document, so that a
 * resource's {@code path} names the template in the repository that produced it.
 */
public final class HelmOutput {

  private static final String SOURCE = "# Source: ";

  private HelmOutput() {}

  /**
   * The rendered files of one chart.
   *
   * @param chartPath the chart's directory in the repository
   * @param output what helm printed
   */
  public static List<RenderedFile> split(String chartPath, String output) {
    Map<String, StringBuilder> byTemplate = new LinkedHashMap<>();
    for (String doc : documents(output)) {
      String template = null;
      for (String line : doc.split("\n", -1)) {
        if (line.startsWith(SOURCE)) {
          template = line.substring(SOURCE.length()).trim();
          break;
        }
      }
      String path = template == null ? chartPath + " (helm)" : inRepository(chartPath, template);
      StringBuilder sb = byTemplate.computeIfAbsent(path, p -> new StringBuilder());
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      sb.append(doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    List<RenderedFile> files = new ArrayList<>();
    byTemplate.forEach(
        (path, text) ->
            files.add(new RenderedFile(path, text.toString().getBytes(StandardCharsets.UTF_8))));
    return files;
  }

  /**
   * Helm names a template by the chart's name, not its directory: {@code web/templates/x.yaml} (or
   * {@code web/charts/db/templates/y.yaml} for a subchart) is under the chart directory.
   */
  static String inRepository(String chartPath, String template) {
    int slash = template.indexOf('/');
    return slash < 0 ? chartPath + "/" + template : chartPath + template.substring(slash);
  }

  /** The documents of the output, without separators; blank ones dropped. */
  private static List<String> documents(String output) {
    List<String> docs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      if (line.equals("---") || line.startsWith("--- ")) {
        add(docs, current);
        current.setLength(0);
      } else {
        current.append(line).append('\n');
      }
    }
    add(docs, current);
    return docs;
  }

  private static void add(List<String> docs, StringBuilder doc) {
    boolean content = false;
    for (String line : doc.toString().split("\n")) {
      String t = line.trim();
      if (!t.isEmpty() && !t.startsWith("#")) {
        content = true;
        break;
      }
    }
    if (content) {
      docs.add(doc.toString());
    }
  }
}
