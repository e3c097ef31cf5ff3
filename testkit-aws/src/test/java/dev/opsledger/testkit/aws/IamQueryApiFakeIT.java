package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.ListRolesResponse;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

class IamQueryApiFakeIT {

  private static final String TRUST_POLICY =
      """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow",\
      "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

  private static IamQueryApiFake fake;
  private static IamClient iam;

  @BeforeAll
  static void start() {
    fake = IamQueryApiFake.start();
    iam = fake.newClient();
  }

  @AfterAll
  static void stop() {
    iam.close();
    fake.close();
  }

  @Test
  void createsARoleWithATrustPolicyAndGetsIt() {
    Role created =
        iam.createRole(
                b ->
                    b.roleName("deployer")
                        .path("/opsledger/")
                        .assumeRolePolicyDocument(TRUST_POLICY)
                        .description("deploys things")
                        .maxSessionDuration(7200)
                        .tags(tag("team", "ops")))
            .role();

    assertThat(created.arn()).isEqualTo("arn:aws:iam::000000000000:role/opsledger/deployer");
    assertThat(created.roleId()).startsWith("AROA").hasSize(21);
    assertThat(created.createDate()).isNotNull();
    Role fetched = iam.getRole(b -> b.roleName("deployer")).role();
    assertThat(fetched.roleName()).isEqualTo("deployer");
    assertThat(fetched.path()).isEqualTo("/opsledger/");
    assertThat(fetched.arn()).isEqualTo(created.arn());
    assertThat(fetched.roleId()).isEqualTo(created.roleId());
    assertThat(fetched.description()).isEqualTo("deploys things");
    assertThat(fetched.maxSessionDuration()).isEqualTo(7200);
    assertThat(fetched.tags()).containsExactly(tag("team", "ops"));
    // As from IAM, the trust policy comes back URL-encoded.
    assertThat(fetched.assumeRolePolicyDocument()).doesNotContain("{");
    assertThat(URLDecoder.decode(fetched.assumeRolePolicyDocument(), StandardCharsets.UTF_8))
        .isEqualTo(TRUST_POLICY);
  }

  @Test
  void updatesTheDescriptionAndTheTrustPolicy() {
    createRole("updatable");

    iam.updateRole(
        b -> b.roleName("updatable").description("now described").maxSessionDuration(3600));
    String newPolicy = TRUST_POLICY.replace("ec2.amazonaws.com", "lambda.amazonaws.com");
    iam.updateAssumeRolePolicy(b -> b.roleName("updatable").policyDocument(newPolicy));

    Role role = iam.getRole(b -> b.roleName("updatable")).role();
    assertThat(role.description()).isEqualTo("now described");
    assertThat(URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8))
        .isEqualTo(newPolicy);
  }

  @Test
  void tagsUntagsAndListsTagsOfARole() {
    createRole("taggable");

    iam.tagRole(b -> b.roleName("taggable").tags(tag("team", "ops"), tag("env", "test")));
    iam.tagRole(b -> b.roleName("taggable").tags(tag("team", "platform")));
    assertThat(iam.listRoleTags(b -> b.roleName("taggable")).tags())
        .containsExactly(tag("team", "platform"), tag("env", "test"));

    iam.untagRole(b -> b.roleName("taggable").tagKeys("env", "absent"));
    assertThat(iam.listRoleTags(b -> b.roleName("taggable")).tags())
        .containsExactly(tag("team", "platform"));
  }

  @Test
  void limitsARoleToFiftyTags() {
    createRole("crowded");
    iam.tagRole(b -> b.roleName("crowded").tags(tags("a", 50)));

    assertThatThrownBy(() -> iam.tagRole(b -> b.roleName("crowded").tags(tag("one", "more"))))
        .isInstanceOfSatisfying(
            LimitExceededException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
  }

  @Test
  void listsRolesByPathPrefixPageByPage() {
    for (String name : List.of("listed-a", "listed-b", "listed-c")) {
      iam.createRole(b -> b.roleName(name).path("/listed/").assumeRolePolicyDocument(TRUST_POLICY));
    }

    ListRolesResponse first = iam.listRoles(b -> b.pathPrefix("/listed/").maxItems(2));
    assertThat(first.isTruncated()).isTrue();
    assertThat(first.roles()).extracting(Role::roleName).containsExactly("listed-a", "listed-b");
    ListRolesResponse second =
        iam.listRoles(b -> b.pathPrefix("/listed/").maxItems(2).marker(first.marker()));
    assertThat(second.isTruncated()).isFalse();
    assertThat(second.roles()).extracting(Role::roleName).containsExactly("listed-c");
    assertThat(iam.listRolesPaginator(b -> b.pathPrefix("/listed/").maxItems(1)).roles())
        .extracting(Role::roleName)
        .containsExactly("listed-a", "listed-b", "listed-c");
  }

  @Test
  void deletesARole() {
    createRole("doomed");

    iam.deleteRole(b -> b.roleName("doomed"));

    assertThatThrownBy(() -> iam.getRole(b -> b.roleName("doomed")))
        .isInstanceOf(NoSuchEntityException.class);
    assertThat(iam.listRolesPaginator().roles())
        .extracting(Role::roleName)
        .doesNotContain("doomed");
  }

  @Test
  void answersNoSuchEntityForAMissingRole() {
    assertThatThrownBy(() -> iam.getRole(b -> b.roleName("missing")))
        .isInstanceOfSatisfying(
            NoSuchEntityException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("The role with name missing cannot be found.");
            });
    assertThatThrownBy(() -> iam.deleteRole(b -> b.roleName("missing")))
        .isInstanceOf(NoSuchEntityException.class);
    assertThatThrownBy(() -> iam.tagRole(b -> b.roleName("missing").tags(tag("k", "v"))))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void refusesARoleNameThatExistsInAnyCase() {
    createRole("Unique");

    assertThatThrownBy(() -> createRole("unique"))
        .isInstanceOfSatisfying(
            EntityAlreadyExistsException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityAlreadyExists");
            });
    assertThat(iam.getRole(b -> b.roleName("UNIQUE")).role().roleName()).isEqualTo("Unique");
  }

  @Test
  void validatesParametersAsTheApiModelDoes() {
    assertThatThrownBy(() -> createRole("no spaces allowed"))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            });
    assertThatThrownBy(
            () ->
                iam.createRole(
                    b ->
                        b.roleName("short")
                            .assumeRolePolicyDocument(TRUST_POLICY)
                            .maxSessionDuration(60)))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    assertThatThrownBy(
            () ->
                iam.createRole(b -> b.roleName("malformed").assumeRolePolicyDocument("allow all")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  private static void createRole(String name) {
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(TRUST_POLICY));
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static List<Tag> tags(String prefix, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> tag(prefix + i, "v")).toList();
  }
}
