package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * IAM roles: trust policy, description, tags. IAM is global, so every target of the account sees
 * the same roles.
 */
final class IamRoleReader implements AwsKindReader {

  private final IamClient iam;
  private final Throttling throttling;

  IamRoleReader(IamClient iam, Throttling throttling) {
    this.iam = iam;
    this.throttling = throttling;
  }

  @Override
  public String kind() {
    return "IAMRole";
  }

  @Override
  public List<Observation> read(String target) {
    List<String> names =
        throttling.call(
            "ListRoles",
            () -> iam.listRolesPaginator().roles().stream().map(Role::roleName).toList());
    List<Observation> out = new ArrayList<>(names.size());
    for (String name : names) {
      try {
        // ListRoles leaves out tags (and, depending on the API version, descriptions).
        Role role = throttling.call("GetRole", () -> iam.getRole(b -> b.roleName(name)).role());
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : role.tags()) {
          tags.put(t.key(), t.value());
        }
        out.add(
            AwsManifests.present(
                target,
                AwsManifests.iamRole(
                    name, role.assumeRolePolicyDocument(), role.description(), tags)));
      } catch (RuntimeException e) {
        out.add(AwsFailures.failed(AwsManifests.key(target, kind(), name), e));
      }
    }
    return out;
  }

  @Override
  public void close() {
    iam.close();
  }
}
