package dev.opsledger.applier.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.events.EventJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * {@code IAMRole}: create with the assume-role (trust) policy, description and tags; update the
 * policy and description when they differ (policies compare as JSON, after URL-decoding as IAM
 * returns them); tags (whole set).
 */
final class IamRoleKind implements AwsKind {

  private final IamClient iam;

  IamRoleKind(IamClient iam) {
    this.iam = iam;
  }

  @Override
  public String kind() {
    return "IAMRole";
  }

  @Override
  public Plan plan(String name, JsonNode spec) {
    JsonNode policy = spec.path("assumeRolePolicyDocument");
    String policyText = policy.toString();
    String description = spec.hasNonNull("description") ? spec.get("description").asText() : null;
    boolean hasTags = spec.has("tags");
    Map<String, String> tags = AwsKind.tags(spec);
    Role live = role(name);
    if (live == null) {
      return Plan.create()
          .then(
              () ->
                  iam.createRole(
                      b ->
                          b.roleName(name)
                              .assumeRolePolicyDocument(policyText)
                              .description(description)
                              .tags(toTags(tags))));
    }
    Plan plan = Plan.update();
    if (!policy.equals(parse(live.assumeRolePolicyDocument()))) {
      plan.then(() -> iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(policyText)));
    }
    if (description != null && !description.equals(live.description())) {
      plan.then(() -> iam.updateRole(b -> b.roleName(name).description(description)));
    }
    if (hasTags) {
      Map<String, String> liveTags = new TreeMap<>();
      iam.listRoleTags(b -> b.roleName(name)).tags().forEach(t -> liveTags.put(t.key(), t.value()));
      if (!tags.equals(liveTags)) {
        plan.then(
            () -> {
              List<String> gone =
                  liveTags.keySet().stream().filter(k -> !tags.containsKey(k)).toList();
              if (!gone.isEmpty()) {
                iam.untagRole(b -> b.roleName(name).tagKeys(gone));
              }
              if (!tags.isEmpty()) {
                iam.tagRole(b -> b.roleName(name).tags(toTags(tags)));
              }
            });
      }
    }
    return plan;
  }

  @Override
  public Outcome delete(String name, JsonNode spec, boolean dryRun) {
    if (role(name) == null) {
      return new Outcome.Unchanged();
    }
    if (!dryRun) {
      iam.deleteRole(b -> b.roleName(name));
    }
    return new Outcome.Deleted();
  }

  private Role role(String name) {
    try {
      return iam.getRole(b -> b.roleName(name)).role();
    } catch (NoSuchEntityException e) {
      return null;
    }
  }

  private static JsonNode parse(String document) {
    if (document == null) {
      return null;
    }
    String text =
        document.trim().startsWith("{")
            ? document
            : URLDecoder.decode(document, StandardCharsets.UTF_8);
    try {
      return EventJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }
}
