package dev.opsledger.testkit.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS emulators a test class needs, started together and closed together. As a JUnit extension,
 * it starts them before the class's first test and closes them after its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AwsEmulators aws = AwsEmulators.of(AwsService.S3, AwsService.IAM);
 *
 * @Test
 * void appliesABucket() {
 *   try (S3Client s3 = aws.s3().newClient()) { ... }
 * }
 * }</pre>
 *
 * <p>or by hand: {@code try (AwsEmulators aws = AwsEmulators.all().start()) { ... }}. The emulators
 * start in parallel; if one fails to start, those already started are closed.
 */
public final class AwsEmulators implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  // Initialised before the parallel start, so that SLF4J is not first touched by two threads.
  private static final Logger LOG = LoggerFactory.getLogger(AwsEmulators.class);

  private final Set<AwsService> services;
  private final Map<AwsService, AwsEmulator> running = new EnumMap<>(AwsService.class);
  private String ownerContextId;

  private AwsEmulators(Set<AwsService> services) {
    this.services = Collections.unmodifiableSet(services);
  }

  /** All four emulators, not started yet. */
  public static AwsEmulators all() {
    return new AwsEmulators(EnumSet.allOf(AwsService.class));
  }

  /** The chosen emulators, not started yet. */
  public static AwsEmulators of(AwsService first, AwsService... more) {
    return new AwsEmulators(EnumSet.of(first, more));
  }

  /** The services this instance stands in for. */
  public Set<AwsService> services() {
    return services;
  }

  /** Starts the emulators that are not running yet; returns this. */
  public synchronized AwsEmulators start() {
    if (!running.isEmpty()) {
      return this;
    }
    ExecutorService starter = Executors.newFixedThreadPool(services.size());
    try {
      Map<AwsService, CompletableFuture<AwsEmulator>> starting = new EnumMap<>(AwsService.class);
      for (AwsService service : services) {
        starting.put(service, CompletableFuture.supplyAsync(() -> startOne(service), starter));
      }
      RuntimeException failure = null;
      for (Map.Entry<AwsService, CompletableFuture<AwsEmulator>> entry : starting.entrySet()) {
        try {
          running.put(entry.getKey(), entry.getValue().join());
        } catch (CompletionException e) {
          failure = merge(failure, e.getCause());
        }
      }
      if (failure != null) {
        close();
        throw failure;
      }
      LOG.debug("started {}", this);
      return this;
    } finally {
      starter.shutdown();
    }
  }

  /** The S3 emulator; fails unless {@link AwsService#S3} was chosen and started. */
  public S3Emulator s3() {
    return get(AwsService.S3, S3Emulator.class);
  }

  /** The SQS emulator; fails unless {@link AwsService#SQS} was chosen and started. */
  public SqsEmulator sqs() {
    return get(AwsService.SQS, SqsEmulator.class);
  }

  /** The DynamoDB emulator; fails unless {@link AwsService#DYNAMODB} was chosen and started. */
  public DynamoDbEmulator dynamoDb() {
    return get(AwsService.DYNAMODB, DynamoDbEmulator.class);
  }

  /** The IAM fake; fails unless {@link AwsService#IAM} was chosen and started. */
  public IamQueryApiFake iam() {
    return get(AwsService.IAM, IamQueryApiFake.class);
  }

  /** Each running emulator's endpoint, e.g. to set the code under test's endpoint properties. */
  public synchronized Map<AwsService, URI> endpoints() {
    Map<AwsService, URI> endpoints = new EnumMap<>(AwsService.class);
    running.forEach((service, emulator) -> endpoints.put(service, emulator.endpoint()));
    return Collections.unmodifiableMap(endpoints);
  }

  /** Closes every running emulator; the first failure is thrown after all were tried. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (AwsEmulator emulator : List.copyOf(running.values())) {
      try {
        emulator.close();
      } catch (RuntimeException e) {
        failure = merge(failure, e);
      }
    }
    running.clear();
    ownerContextId = null;
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Starts the emulators for the class that registered the extension; {@code @Nested} classes share
   * them.
   */
  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (ownerContextId == null && running.isEmpty()) {
      start();
      ownerContextId = context.getUniqueId();
    }
  }

  /** Closes the emulators after the class that started them, not after a nested class. */
  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(ownerContextId)) {
      close();
    }
  }

  private synchronized <T extends AwsEmulator> T get(AwsService service, Class<T> type) {
    if (!services.contains(service)) {
      throw new IllegalStateException(service + " was not chosen: " + services);
    }
    AwsEmulator emulator = running.get(service);
    if (emulator == null) {
      throw new IllegalStateException(service + " is not running: call start() first");
    }
    return type.cast(emulator);
  }

  private static AwsEmulator startOne(AwsService service) {
    return switch (service) {
      case S3 -> S3Emulator.start();
      case SQS -> SqsEmulator.start();
      case DYNAMODB -> DynamoDbEmulator.start();
      case IAM -> IamQueryApiFake.start();
    };
  }

  private static RuntimeException merge(RuntimeException first, Throwable next) {
    RuntimeException asRuntime =
        next instanceof RuntimeException r ? r : new IllegalStateException(next);
    if (first == null) {
      return asRuntime;
    }
    first.addSuppressed(asRuntime);
    return first;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    endpoints().forEach((service, uri) -> parts.add(service + "=" + uri));
    return "AwsEmulators" + (parts.isEmpty() ? services + " (stopped)" : parts.toString());
  }
}
