package dev.opsledger.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opsledger.events.EventJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints tables for people and JSON for tools. */
public final class Printer {

  private Printer() {}

  /** Pretty JSON of any answer. */
  public static void json(PrintWriter out, Object value) {
    try {
      out.println(EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("answers always serialise", e);
    }
    out.flush();
  }

  /** A plain aligned table; {@code null} cells print as {@code -}. */
  public static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], cell(row.get(i)).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String c = cell(row.get(i));
        line.append(c);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - c.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  /** The first 12 characters of a SHA. */
  public static String shortSha(String sha) {
    return sha == null ? null : sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static String cell(String s) {
    return s == null ? "-" : s;
  }
}
