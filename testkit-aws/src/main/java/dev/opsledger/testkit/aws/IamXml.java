package dev.opsledger.testkit.aws;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * IAM's XML response documents, in the shape of the API reference's examples: {@code
 * <ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>} for success and
 * {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>} for errors.
 */
final class IamXml {

  static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

  private IamXml() {}

  /** A success document; {@code result} is the inner XML of {@code <ActionResult>} or null. */
  static String response(String action, String result, String requestId) {
    StringBuilder xml = new StringBuilder(256);
    xml.append("<").append(action).append("Response xmlns=\"").append(NAMESPACE).append("\">");
    if (result != null) {
      xml.append("<").append(action).append("Result>").append(result);
      xml.append("</").append(action).append("Result>");
    }
    xml.append("<ResponseMetadata><RequestId>").append(requestId);
    xml.append("</RequestId></ResponseMetadata>");
    xml.append("</").append(action).append("Response>");
    return xml.toString();
  }

  static String error(IamQueryError error, String requestId) {
    return "<ErrorResponse xmlns=\""
        + NAMESPACE
        + "\"><Error><Type>"
        + error.type()
        + "</Type><Code>"
        + error.code()
        + "</Code><Message>"
        + escape(error.getMessage())
        + "</Message></Error><RequestId>"
        + requestId
        + "</RequestId></ErrorResponse>";
  }

  /**
   * A {@code <Role>}'s content. {@code full} adds what {@code GetRole} and {@code CreateRole}
   * return but {@code ListRoles} does not: permissions boundary, tags and last use.
   */
  static String role(IamRole role, boolean full) {
    StringBuilder xml = new StringBuilder(512);
    element(xml, "Path", role.path());
    element(xml, "RoleName", role.roleName());
    element(xml, "RoleId", role.roleId());
    element(xml, "Arn", role.arn());
    element(xml, "CreateDate", role.createDate().toString());
    // IAM returns policy documents URL-encoded (RFC 3986); clients must decode them.
    element(xml, "AssumeRolePolicyDocument", urlEncode(role.assumeRolePolicyDocument()));
    if (role.description() != null) {
      element(xml, "Description", role.description());
    }
    element(xml, "MaxSessionDuration", Integer.toString(role.maxSessionDuration()));
    if (full) {
      if (role.permissionsBoundaryArn() != null) {
        xml.append("<PermissionsBoundary>");
        element(xml, "PermissionsBoundaryType", "PermissionsBoundaryPolicy");
        element(xml, "PermissionsBoundaryArn", role.permissionsBoundaryArn());
        xml.append("</PermissionsBoundary>");
      }
      if (!role.tags().isEmpty()) {
        xml.append("<Tags>").append(tagMembers(role.tags().entrySet())).append("</Tags>");
      }
      xml.append("<RoleLastUsed/>");
    }
    return xml.toString();
  }

  static String tagMembers(Iterable<Map.Entry<String, String>> tags) {
    StringBuilder xml = new StringBuilder();
    for (Map.Entry<String, String> tag : tags) {
      xml.append("<member>");
      element(xml, "Key", tag.getKey());
      element(xml, "Value", tag.getValue());
      xml.append("</member>");
    }
    return xml.toString();
  }

  static void element(StringBuilder xml, String name, String text) {
    xml.append('<').append(name).append('>').append(escape(text));
    xml.append("</").append(name).append('>');
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** RFC 3986 percent-encoding, as in IAM's responses ({@code %20}, never {@code +}). */
  static String urlEncode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}
