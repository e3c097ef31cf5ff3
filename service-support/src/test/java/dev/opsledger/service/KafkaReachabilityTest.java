package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class KafkaReachabilityTest {

  private final MovingClock clock = new MovingClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private boolean down;
  private final KafkaReachability watch =
      new KafkaReachability(
          () -> {
            if (down) {
              throw new java.util.concurrent.ExecutionException(
                  new ConnectException("Connection refused"));
            }
          },
          "127.0.0.1:29092",
          Duration.ofSeconds(10),
          meters,
          clock);

  @Test
  void anOutageIsLoggedOnceWhenItBeginsThenEveryMinuteAndItsEndWithItsLength(
      CapturedOutput output) {
    watch.checkNow();
    assertThat(output.getOut()).doesNotContain("Kafka at");

    down = true;
    watch.checkNow();
    assertThat(output.getOut())
        .contains(
            "Kafka at 127.0.0.1:29092 cannot be reached (ConnectException: Connection refused)")
        .contains("nothing is lost");
    assertThat(gauge()).isZero();

    clock.advance(Duration.ofSeconds(30));
    watch.checkNow();
    assertThat(output.getOut()).doesNotContain("still cannot be reached");

    clock.advance(Duration.ofSeconds(30));
    watch.checkNow();
    assertThat(output.getOut()).contains("still cannot be reached after 60 s");

    down = false;
    clock.advance(Duration.ofSeconds(12));
    watch.checkNow();
    assertThat(output.getOut()).contains("Kafka at 127.0.0.1:29092 answers again after 72 s");
    assertThat(gauge()).isEqualTo(1);
    assertThat(count(output.getOut(), "cannot be reached (")).isEqualTo(1);
  }

  private double gauge() {
    return meters.get("opsledger.kafka.reachable").gauge().value();
  }

  private static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  private static final class MovingClock extends Clock {
    private Instant now = Instant.parse("2026-11-30T08:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
