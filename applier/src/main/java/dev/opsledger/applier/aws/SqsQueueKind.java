package dev.opsledger.applier.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.apply.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** {@code SQSQueue}: create with attributes and tags; set changed attributes; tags (whole set). */
final class SqsQueueKind implements AwsKind {

  private final SqsClient sqs;

  SqsQueueKind(SqsClient sqs) {
    this.sqs = sqs;
  }

  @Override
  public String kind() {
    return "SQSQueue";
  }

  @Override
  public Plan plan(String name, JsonNode spec) {
    Map<String, String> attributes = new TreeMap<>();
    spec.path("attributes")
        .fields()
        .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    boolean hasTags = spec.has("tags");
    Map<String, String> tags = AwsKind.tags(spec);
    String url = urlOf(name);
    if (url == null) {
      return Plan.create()
          .then(
              () ->
                  sqs.createQueue(
                      b -> b.queueName(name).attributesWithStrings(attributes).tags(tags)));
    }
    Plan plan = Plan.update();
    Map<String, String> live =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributesAsStrings();
    Map<String, String> changed = new TreeMap<>();
    attributes.forEach(
        (k, v) -> {
          if (!v.equals(live.get(k))) {
            changed.put(k, v);
          }
        });
    if (!changed.isEmpty()) {
      plan.then(() -> sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(changed)));
    }
    if (hasTags) {
      Map<String, String> liveTags = new TreeMap<>(sqs.listQueueTags(b -> b.queueUrl(url)).tags());
      if (!tags.equals(liveTags)) {
        plan.then(
            () -> {
              List<String> gone =
                  liveTags.keySet().stream().filter(k -> !tags.containsKey(k)).toList();
              if (!gone.isEmpty()) {
                sqs.untagQueue(b -> b.queueUrl(url).tagKeys(gone));
              }
              if (!tags.isEmpty()) {
                sqs.tagQueue(b -> b.queueUrl(url).tags(tags));
              }
            });
      }
    }
    return plan;
  }

  @Override
  public Outcome delete(String name, JsonNode spec, boolean dryRun) {
    String url = urlOf(name);
    if (url == null) {
      return new Outcome.Unchanged();
    }
    if (!dryRun) {
      sqs.deleteQueue(b -> b.queueUrl(url));
    }
    return new Outcome.Deleted();
  }

  private String urlOf(String name) {
    try {
      return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    } catch (QueueDoesNotExistException e) {
      return null;
    }
  }
}
