package dev.opsledger.notifier;

import dev.opsledger.notifier.notice.Severity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The notifier's configuration ({@code opsledger.notifier.*}). Secrets (webhook URLs, tokens,
 * signing secrets) come from files ({@code url-file}, {@code token-file}, {@code secret-file}) or
 * from values that are usually {@code ${ENVIRONMENT_VARIABLE}} placeholders; they are never
 * printed.
 */
@Validated
@ConfigurationProperties("opsledger.notifier")
public class NotifierProperties {

  /** The same resource in the same state is notified at most once per channel in this window. */
  @NotNull private Duration dedupeWindow = Duration.ofMinutes(5);

  /**
   * Triggers older than this (by their {@code ce_time}) are recorded as skipped-too-old and never
   * sent, so a fresh notifier pointed at an old log does not flood anyone; 0 disables the limit.
   */
  @NotNull private Duration maxEventAge = Duration.ofHours(1);

  /** How long to wait for a TCP connection to a channel. */
  @NotNull private Duration connectTimeout = Duration.ofSeconds(5);

  /** How long one request to a channel may take; per channel overridable. */
  @NotNull private Duration requestTimeout = Duration.ofSeconds(10);

  /** Delivery retries with exponential backoff. */
  @Valid @NotNull private Retry retry = new Retry();

  /** The default token bucket of every channel; per channel overridable. */
  @Valid @NotNull private RateLimit rateLimit = new RateLimit();

  /**
   * At shutdown, how long to wait for notifications in flight; what is still owed then is recorded
   * as {@code NotificationFailed}.
   */
  @NotNull private Duration shutdownTimeout = Duration.ofSeconds(10);

  /** How many resources, revisions and sent notifications the notifier remembers. */
  @Min(100)
  private int capacity = 100_000;

  /** How long reading the notifier's history at start may take. */
  @NotNull private Duration historyTimeout = Duration.ofSeconds(60);

  /**
   * A link put into messages and commit statuses ({@code {placeholder}}s as in templates), e.g.
   * {@code https://opsledger.example.com/revisions/{source}/{revision}}; empty for none. Per
   * channel overridable.
   */
  private String linkTemplate = "";

  /** The channels by name. */
  @Valid private Map<String, Channel> channels = new LinkedHashMap<>();

  /**
   * Routing rules; a notice goes to the channels of every rule it matches. With no rules, every
   * channel receives every notice kind it can carry.
   */
  @Valid private List<Route> routes = new ArrayList<>();

  /**
   * Message templates by notice kind ({@code drift-detected}, {@code converged}, {@code
   * apply-failed}, {@code commit-rejected}, {@code approval-needed}, {@code commit-status}).
   */
  private Map<String, Template> templates = new LinkedHashMap<>();

  /** Delivery retries. */
  public static class Retry {
    /** Attempts in all, the first included. */
    @Min(1)
    private int maxAttempts = 5;

    /** The delay before the second attempt. */
    @NotNull private Duration initialBackoff = Duration.ofSeconds(1);

    /** How much each further delay grows. */
    @DecimalMin("1.0")
    private double multiplier = 2.0;

    /** The longest delay between attempts (also caps a server's Retry-After). */
    @NotNull private Duration maxBackoff = Duration.ofMinutes(1);

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }

  /** A token bucket. */
  public static class RateLimit {
    /** How many notifications may go out at once. */
    @Min(1)
    private int burst = 5;

    /** How many notifications per second the bucket refills (Slack allows about 1). */
    @DecimalMin(value = "0.0", inclusive = false)
    private double perSecond = 1.0;

    public int getBurst() {
      return burst;
    }

    public void setBurst(int burst) {
      this.burst = burst;
    }

    public double getPerSecond() {
      return perSecond;
    }

    public void setPerSecond(double perSecond) {
      this.perSecond = perSecond;
    }
  }

  /** One channel. */
  public static class Channel {
    /** {@code slack}, {@code github}, {@code gitlab} or {@code webhook}. */
    @NotNull private String type = "slack";

    /** The webhook URL (Slack, webhook); prefer {@code url-file} or an environment placeholder. */
    private String url;

    /** A file holding the webhook URL. */
    private Path urlFile;

    /** The API token (GitHub, GitLab); prefer {@code token-file} or an environment placeholder. */
    private String token;

    /** A file holding the API token. */
    private Path tokenFile;

    /** The HMAC-SHA256 signing secret of a webhook; prefer {@code secret-file}. */
    private String secret;

    /** A file holding the signing secret. */
    private Path secretFile;

    /**
     * The API base URL (GitHub Enterprise, self-managed GitLab); empty for {@code
     * https://api.github.com} or {@code https://gitlab.com/api/v4}.
     */
    private String apiUrl = "";

    /** {@code owner/repo} (GitHub) or the project id or path (GitLab). */
    private String repository = "";

    /** The commit status context (GitHub) or name (GitLab). */
    private String context = "opsledger";

    /** The link of this channel; empty uses {@code opsledger.notifier.link-template}. */
    private String linkTemplate = "";

    /**
     * The request timeout of this channel; unset uses {@code opsledger.notifier.request-timeout}.
     */
    private Duration requestTimeout;

    /** The token bucket burst of this channel; unset uses the default. */
    private Integer burst;

    /** The token bucket refill per second of this channel; unset uses the default. */
    private Double perSecond;

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public Path getUrlFile() {
      return urlFile;
    }

    public void setUrlFile(Path urlFile) {
      this.urlFile = urlFile;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public Path getTokenFile() {
      return tokenFile;
    }

    public void setTokenFile(Path tokenFile) {
      this.tokenFile = tokenFile;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public Path getSecretFile() {
      return secretFile;
    }

    public void setSecretFile(Path secretFile) {
      this.secretFile = secretFile;
    }

    public String getApiUrl() {
      return apiUrl;
    }

    public void setApiUrl(String apiUrl) {
      this.apiUrl = apiUrl;
    }

    public String getRepository() {
      return repository;
    }

    public void setRepository(String repository) {
      this.repository = repository;
    }

    public String getContext() {
      return context;
    }

    public void setContext(String context) {
      this.context = context;
    }

    public String getLinkTemplate() {
      return linkTemplate;
    }

    public void setLinkTemplate(String linkTemplate) {
      this.linkTemplate = linkTemplate;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public Integer getBurst() {
      return burst;
    }

    public void setBurst(Integer burst) {
      this.burst = burst;
    }

    public Double getPerSecond() {
      return perSecond;
    }

    public void setPerSecond(Double perSecond) {
      this.perSecond = perSecond;
    }

    /** Never print secrets. */
    @Override
    public String toString() {
      return "Channel[type=" + type + ", repository=" + repository + "]";
    }
  }

  /** A routing rule; every criterion given must match, an empty one matches all. */
  public static class Route {
    /** Notice kinds ({@code drift-detected}) or trigger {@code ce_type}s. */
    private List<String> events = new ArrayList<>();

    /** Source ids; {@code *} is a wildcard. */
    private List<String> sources = new ArrayList<>();

    /** Resource targets (cluster or account:region); {@code *} is a wildcard. */
    private List<String> targets = new ArrayList<>();

    /** The lowest severity that matches: {@code info}, {@code warning}, {@code error}. */
    @NotNull private Severity minSeverity = Severity.INFO;

    /** The channels matching notices go to. */
    private List<String> channels = new ArrayList<>();

    public List<String> getEvents() {
      return events;
    }

    public void setEvents(List<String> events) {
      this.events = events;
    }

    public List<String> getSources() {
      return sources;
    }

    public void setSources(List<String> sources) {
      this.sources = sources;
    }

    public List<String> getTargets() {
      return targets;
    }

    public void setTargets(List<String> targets) {
      this.targets = targets;
    }

    public Severity getMinSeverity() {
      return minSeverity;
    }

    public void setMinSeverity(Severity minSeverity) {
      this.minSeverity = minSeverity;
    }

    public List<String> getChannels() {
      return channels;
    }

    public void setChannels(List<String> channels) {
      this.channels = channels;
    }
  }

  /** A message template override. */
  public static class Template {
    /** The title (Slack header); empty keeps the built-in one. */
    private String title = "";

    /** The text (Slack body, commit status description); empty keeps the built-in one. */
    private String text = "";

    public String getTitle() {
      return title;
    }

    public void setTitle(String title) {
      this.title = title;
    }

    public String getText() {
      return text;
    }

    public void setText(String text) {
      this.text = text;
    }
  }

  public Duration getDedupeWindow() {
    return dedupeWindow;
  }

  public void setDedupeWindow(Duration dedupeWindow) {
    this.dedupeWindow = dedupeWindow;
  }

  public Duration getMaxEventAge() {
    return maxEventAge;
  }

  public void setMaxEventAge(Duration maxEventAge) {
    this.maxEventAge = maxEventAge;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(RateLimit rateLimit) {
    this.rateLimit = rateLimit;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public int getCapacity() {
    return capacity;
  }

  public void setCapacity(int capacity) {
    this.capacity = capacity;
  }

  public Duration getHistoryTimeout() {
    return historyTimeout;
  }

  public void setHistoryTimeout(Duration historyTimeout) {
    this.historyTimeout = historyTimeout;
  }

  public String getLinkTemplate() {
    return linkTemplate;
  }

  public void setLinkTemplate(String linkTemplate) {
    this.linkTemplate = linkTemplate;
  }

  public Map<String, Channel> getChannels() {
    return channels;
  }

  public void setChannels(Map<String, Channel> channels) {
    this.channels = channels;
  }

  public List<Route> getRoutes() {
    return routes;
  }

  public void setRoutes(List<Route> routes) {
    this.routes = routes;
  }

  public Map<String, Template> getTemplates() {
    return templates;
  }

  public void setTemplates(Map<String, Template> templates) {
    this.templates = templates;
  }
}
