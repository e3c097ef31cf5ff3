package dev.opsledger.testkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamClientBuilder;

/**
 * A fake of the IAM Query API for roles, on loopback, over the JDK's HTTP server: a small stateful
 * stand-in, not an emulator of IAM. It answers what the AWS SDK v2 {@link IamClient} sends
 * (form-encoded {@code POST}, or {@code GET} with a query string, {@code Action=...&Version=
 * 2010-05-08}) with the XML documents and error codes that the IAM API reference documents, in
 * namespace {@code https://iam.amazonaws.com/doc/2010-05-08/}.
 *
 * <p>Actions: {@code CreateRole}, {@code GetRole}, {@code ListRoles} (path prefix, paging), {@code
 * UpdateRole} (description, maximum session duration), {@code UpdateAssumeRolePolicy}, {@code
 * DeleteRole}, {@code TagRole}, {@code UntagRole}, {@code ListRoleTags} (paging). Any other action
 * is {@code 400 InvalidAction}.
 *
 * <p>As IAM does: role names are unique regardless of case ({@code 409 EntityAlreadyExists}) and
 * found regardless of case; a missing role is {@code 404 NoSuchEntity}; parameters are checked
 * against the API model's patterns, lengths and ranges ({@code 400 ValidationError}); a role has at
 * most 50 tags ({@code 409 LimitExceeded}); trust policies come back URL-encoded (callers must
 * decode them, as against IAM); ARNs are {@code arn:aws:iam::000000000000:role/PATH/NAME} and role
 * ids start with {@code AROA}.
 *
 * <p>Not emulated: signatures and credentials are not checked (any or no {@code Authorization}
 * header is accepted); policies are not evaluated or validated beyond "is a JSON object" ({@code
 * 400 MalformedPolicyDocument} otherwise), so no request is ever denied; no other IAM entity exists
 * (users, groups, policies, instance profiles): attached and inline role policies, {@code
 * PutRolePermissionsBoundary}, service-linked roles and {@code DeleteConflict} are absent; {@code
 * RoleLastUsed} is always empty; changes are visible at once (IAM is eventually consistent).
 */
public final class IamQueryApiFake implements AwsEmulator {

  private static final Logger LOG = LoggerFactory.getLogger(IamQueryApiFake.class);

  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]+");
  private static final Pattern PATH = Pattern.compile("(/)|(/[\\u0021-\\u007E]+/)");
  private static final Pattern PATH_PREFIX = Pattern.compile("/[\\u0021-\\u007F]*");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private final HttpServer server;
  private final ExecutorService executor;
  private final IamRoleStore roles;
  private final URI endpoint;
  private boolean closed;

  private IamQueryApiFake(HttpServer server, ExecutorService executor, IamRoleStore roles) {
    this.server = server;
    this.executor = executor;
    this.roles = roles;
    this.endpoint = Loopback.uri(server.getAddress().getPort());
  }

  /** Starts the fake on {@code 127.0.0.1} on a free port, with no roles. */
  public static IamQueryApiFake start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the IAM fake on " + Loopback.HOST, e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "iam-query-api-fake");
              thread.setDaemon(true);
              return thread;
            });
    IamQueryApiFake fake =
        new IamQueryApiFake(
            server, executor, new IamRoleStore(Clock.systemUTC(), AwsTestClients.ACCOUNT_ID));
    server.createContext("/", fake::handle);
    server.setExecutor(executor);
    server.start();
    return fake;
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** A builder with region, fake credentials and the endpoint already set. */
  public IamClientBuilder clientBuilder() {
    return AwsTestClients.configure(IamClient.builder(), endpoint);
  }

  /** A new client from {@link #clientBuilder()}; the caller closes it. */
  public IamClient newClient() {
    return clientBuilder().build();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    int status = 200;
    String body;
    try (exchange) {
      try {
        Params params = Params.of(exchange);
        String action = params.optional("Action");
        LOG.debug("IAM {} {}", action, params);
        body = IamXml.response(action, dispatch(action, params), requestId);
      } catch (IamQueryError e) {
        status = e.status();
        body = IamXml.error(e, requestId);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Runs one action; returns the inner XML of its {@code <ActionResult>}, or null if it has none.
   */
  private String dispatch(String action, Params params) {
    if (action == null) {
      throw IamQueryError.invalidAction("null");
    }
    return switch (action) {
      case "CreateRole" -> createRole(params);
      case "GetRole" -> "<Role>" + IamXml.role(roles.get(roleName(params)), true) + "</Role>";
      case "ListRoles" -> listRoles(params);
      case "UpdateRole" -> updateRole(params);
      case "UpdateAssumeRolePolicy" -> {
        roles.updateAssumeRolePolicy(roleName(params), policy(params, "PolicyDocument"));
        yield null;
      }
      case "DeleteRole" -> {
        roles.delete(roleName(params));
        yield null;
      }
      case "TagRole" -> {
        String roleName = roleName(params);
        roles.tag(roleName, tags(params));
        yield null;
      }
      case "UntagRole" -> {
        String roleName = roleName(params);
        roles.untag(roleName, tagKeys(params));
        yield null;
      }
      case "ListRoleTags" -> listRoleTags(params);
      default -> throw IamQueryError.invalidAction(action);
    };
  }

  private String createRole(Params params) {
    String roleName = roleName(params);
    String path = params.optional("Path");
    if (path != null) {
      params.check("path", path, 1, 512, PATH);
    }
    String policy = policy(params, "AssumeRolePolicyDocument");
    String description = params.optional("Description");
    if (description != null) {
      params.check("description", description, 0, 1000, null);
    }
    Integer maxSession = params.integer("MaxSessionDuration", 3600, 43200);
    String boundary = params.optional("PermissionsBoundary");
    if (boundary != null) {
      params.check("permissionsBoundary", boundary, 20, 2048, null);
    }
    IamRole role =
        roles.create(
            new IamRoleStore.NewRole(
                roleName, path, policy, description, maxSession, boundary, tags(params)));
    return "<Role>" + IamXml.role(role, true) + "</Role>";
  }

  private String listRoles(Params params) {
    String pathPrefix = params.optional("PathPrefix");
    if (pathPrefix != null) {
      params.check("pathPrefix", pathPrefix, 1, 512, PATH_PREFIX);
    }
    IamRoleStore.Page<IamRole> page =
        roles.list(
            pathPrefix == null ? "/" : pathPrefix, params.optional("Marker"), maxItems(params));
    StringBuilder xml = new StringBuilder("<Roles>");
    page.items()
        .forEach(r -> xml.append("<member>").append(IamXml.role(r, false)).append("</member>"));
    xml.append("</Roles>");
    return xml.append(paging(page)).toString();
  }

  private String updateRole(Params params) {
    String roleName = roleName(params);
    String description = params.optional("Description");
    if (description != null) {
      params.check("description", description, 0, 1000, null);
    }
    roles.update(roleName, description, params.integer("MaxSessionDuration", 3600, 43200));
    return "";
  }

  private String listRoleTags(Params params) {
    IamRoleStore.Page<Map.Entry<String, String>> page =
        roles.tags(roleName(params), params.optional("Marker"), maxItems(params));
    return "<Tags>" + IamXml.tagMembers(page.items()) + "</Tags>" + paging(page);
  }

  private static String paging(IamRoleStore.Page<?> page) {
    StringBuilder xml = new StringBuilder();
    IamXml.element(xml, "IsTruncated", Boolean.toString(page.truncated()));
    if (page.truncated()) {
      IamXml.element(xml, "Marker", page.nextMarker());
    }
    return xml.toString();
  }

  private static String roleName(Params params) {
    String roleName = params.required("RoleName", "roleName");
    params.check("roleName", roleName, 1, 64, ROLE_NAME);
    return roleName;
  }

  private static String policy(Params params, String name) {
    String modelName = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    String document = params.required(name, modelName);
    params.check(modelName, document, 1, 131072, null);
    String trimmed = document.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      throw IamQueryError.malformedPolicy("This policy contains invalid Json");
    }
    return document;
  }

  private static int maxItems(Params params) {
    Integer maxItems = params.integer("MaxItems", 1, 1000);
    return maxItems == null ? 100 : maxItems;
  }

  /** {@code Tags.member.N.Key} / {@code Tags.member.N.Value}, N from 1, in order. */
  private static Map<String, String> tags(Params params) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int n = 1; ; n++) {
      String key = params.optional("Tags.member." + n + ".Key");
      if (key == null) {
        break;
      }
      String value = params.optional("Tags.member." + n + ".Value");
      params.check("tags." + n + ".member.key", key, 1, 128, TAG_KEY);
      if (value == null) {
        throw IamQueryError.validation("tags." + n + ".member.value", null, "must not be null");
      }
      params.check("tags." + n + ".member.value", value, 0, 256, TAG_VALUE);
      if (tags.put(key, value) != null) {
        throw IamQueryError.invalidInput("Duplicate tag keys found.");
      }
    }
    if (tags.size() > IamRoleStore.MAX_TAGS) {
      throw IamQueryError.validation("tags", "[...]", "must have length less than or equal to 50");
    }
    return tags;
  }

  /** {@code TagKeys.member.N}, N from 1, in order. */
  private static List<String> tagKeys(Params params) {
    List<String> keys = new ArrayList<>();
    for (int n = 1; ; n++) {
      String key = params.optional("TagKeys.member." + n);
      if (key == null) {
        break;
      }
      params.check("tagKeys." + n + ".member", key, 1, 128, TAG_KEY);
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw IamQueryError.validation("tagKeys", null, "must not be null");
    }
    return keys;
  }

  /** The decoded parameters of the query string and the form-encoded body. */
  private record Params(Map<String, String> values) {

    static Params of(HttpExchange exchange) throws IOException {
      Map<String, String> values = new HashMap<>();
      parse(exchange.getRequestURI().getRawQuery(), values);
      try (InputStream body = exchange.getRequestBody()) {
        parse(new String(body.readAllBytes(), StandardCharsets.UTF_8), values);
      }
      return new Params(values);
    }

    private static void parse(String encoded, Map<String, String> into) {
      if (encoded == null || encoded.isEmpty()) {
        return;
      }
      for (String pair : encoded.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        into.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }

    String optional(String name) {
      return values.get(name);
    }

    String required(String name, String modelName) {
      String value = values.get(name);
      if (value == null) {
        throw IamQueryError.validation(modelName, null, "must not be null");
      }
      return value;
    }

    Integer integer(String name, int min, int max) {
      String value = values.get(name);
      if (value == null) {
        return null;
      }
      String modelName = Character.toLowerCase(name.charAt(0)) + name.substring(1);
      int parsed;
      try {
        parsed = Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw IamQueryError.validation(modelName, value, "must be a number");
      }
      if (parsed < min) {
        throw IamQueryError.validation(
            modelName, value, "must have value greater than or equal to " + min);
      }
      if (parsed > max) {
        throw IamQueryError.validation(
            modelName, value, "must have value less than or equal to " + max);
      }
      return parsed;
    }

    void check(String modelName, String value, int minLength, int maxLength, Pattern pattern) {
      if (value.length() < minLength) {
        throw IamQueryError.validation(
            modelName, value, "must have length greater than or equal to " + minLength);
      }
      if (value.length() > maxLength) {
        throw IamQueryError.validation(
            modelName, value, "must have length less than or equal to " + maxLength);
      }
      if (pattern != null && !pattern.matcher(value).matches()) {
        throw IamQueryError.validation(
            modelName, value, "must satisfy regular expression pattern: " + pattern.pattern());
      }
    }

    @Override
    public String toString() {
      // Policy documents make request logs unreadable; their presence is what matters here.
      Map<String, String> shown = new LinkedHashMap<>(values);
      shown.replaceAll((k, v) -> k.endsWith("PolicyDocument") ? "<" + v.length() + " chars>" : v);
      return shown.toString();
    }
  }
}
