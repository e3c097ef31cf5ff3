package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamXmlTest {

  @Test
  void urlEncodesPolicyDocumentsAsIamDoes() {
    assertThat(IamXml.urlEncode("{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}"))
        .isEqualTo("%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%22s3%3A%2A%22%7D");
  }

  @Test
  void escapesTextInElements() {
    assertThat(IamXml.escape("a<b & \"c\" 'd'>"))
        .isEqualTo("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  }

  @Test
  void leavesWhatListRolesDoesNotReturnOutOfListedRoles() {
    IamRole role =
        new IamRole(
            "/",
            "r",
            "AROAEXAMPLE",
            "arn:aws:iam::000000000000:role/r",
            Instant.parse("2026-01-02T03:04:05Z"),
            "{}",
            null,
            3600,
            "arn:aws:iam::aws:policy/Boundary",
            Map.of("team", "ops"));

    assertThat(IamXml.role(role, false))
        .contains("<CreateDate>2026-01-02T03:04:05Z</CreateDate>")
        .doesNotContain("<Tags>", "<PermissionsBoundary>", "<RoleLastUsed/>", "<Description>");
    assertThat(IamXml.role(role, true))
        .contains("<Tags><member><Key>team</Key><Value>ops</Value></member></Tags>")
        .contains(
            "<PermissionsBoundaryArn>arn:aws:iam::aws:policy/Boundary</PermissionsBoundaryArn>");
  }
}
