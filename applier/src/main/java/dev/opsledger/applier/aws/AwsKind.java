package dev.opsledger.applier.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.apply.Outcome;
import java.util.Map;
import java.util.TreeMap;

/** One AWS kind: reads the live resource and plans the writes that converge it. */
interface AwsKind {

  /** The kind, e.g. {@code S3Bucket}. */
  String kind();

  /** Plans the apply of a manifest (reads only); throws SDK exceptions. */
  Plan plan(String name, JsonNode spec);

  /** Deletes; {@code Unchanged} when already gone; throws SDK exceptions. */
  Outcome delete(String name, JsonNode spec, boolean dryRun);

  /** {@code spec.tags} as a sorted map of strings. */
  static Map<String, String> tags(JsonNode spec) {
    Map<String, String> tags = new TreeMap<>();
    spec.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    return tags;
  }
}
