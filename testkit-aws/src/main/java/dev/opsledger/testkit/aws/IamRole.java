package dev.opsledger.testkit.aws;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One role as {@link IamQueryApiFake} holds it. The trust policy is kept as the caller sent it
 * (decoded); it is URL-encoded only when rendered, as IAM does.
 *
 * @param tags in the order they were first added; a re-tagged key keeps its place
 */
record IamRole(
    String path,
    String roleName,
    String roleId,
    String arn,
    Instant createDate,
    String assumeRolePolicyDocument,
    String description,
    int maxSessionDuration,
    String permissionsBoundaryArn,
    Map<String, String> tags) {

  IamRole {
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  IamRole withDescription(String newDescription) {
    return new IamRole(
        path,
        roleName,
        roleId,
        arn,
        createDate,
        assumeRolePolicyDocument,
        newDescription,
        maxSessionDuration,
        permissionsBoundaryArn,
        tags);
  }

  IamRole withMaxSessionDuration(int seconds) {
    return new IamRole(
        path,
        roleName,
        roleId,
        arn,
        createDate,
        assumeRolePolicyDocument,
        description,
        seconds,
        permissionsBoundaryArn,
        tags);
  }

  IamRole withAssumeRolePolicyDocument(String document) {
    return new IamRole(
        path,
        roleName,
        roleId,
        arn,
        createDate,
        document,
        description,
        maxSessionDuration,
        permissionsBoundaryArn,
        tags);
  }

  IamRole withTags(Map<String, String> newTags) {
    return new IamRole(
        path,
        roleName,
        roleId,
        arn,
        createDate,
        assumeRolePolicyDocument,
        description,
        maxSessionDuration,
        permissionsBoundaryArn,
        newTags);
  }
}
