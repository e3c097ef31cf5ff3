package dev.opsledger.notifier.route;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.notice.Severity;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

  final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
  final Set<NoticeKind> messages = EnumSet.complementOf(EnumSet.of(NoticeKind.COMMIT_STATUS));
  final Map<String, Set<NoticeKind>> channels =
      Map.of(
          "ops", messages,
          "oncall", messages,
          "github", EnumSet.of(NoticeKind.COMMIT_STATUS));

  Notice drift(String source, String target) {
    return new Notices(10)
        .observe(at(t0, "r", Fixtures.drift(Fixtures.deployment(target, "web"), source, "r", t0)))
        .get(0);
  }

  Notice terminalFailure(String source, String target) {
    return new Notices(10)
        .observe(
            at(
                t0,
                "r",
                Fixtures.applyFailed(Fixtures.deployment(target, "web"), source, "r", true, t0)))
        .get(0);
  }

  @Test
  void withoutRulesEveryChannelGetsTheKindsItCarries() {
    Router router = new Router(List.of(), channels);
    assertThat(router.route(drift("shop", "prod"))).containsExactly("oncall", "ops");
  }

  @Test
  void fieldConflictsGoOnlyWhereARouteNamesThem() {
    Notice conflict =
        new Notices(10)
            .observe(
                at(
                    t0,
                    "r",
                    new FieldsConflicted(
                        Fixtures.deployment("prod", "web"),
                        "shop",
                        "r",
                        true,
                        List.of(new FieldsConflicted.Field("hpa", ".spec.replicas")),
                        t0)))
            .get(0);

    assertThat(new Router(List.of(), channels).route(conflict)).isEmpty();
    assertThat(
            new Router(List.of(new RouteRule(null, null, null, null, List.of("ops"))), channels)
                .route(conflict))
        .isEmpty();
    assertThat(
            new Router(
                    List.of(
                        new RouteRule(
                            List.of("fields-conflicted"), null, null, null, List.of("ops"))),
                    channels)
                .route(conflict))
        .containsExactly("ops");
  }

  @Test
  void routesByEventTypeNameOrCeType() {
    Router router =
        new Router(
            List.of(
                new RouteRule(List.of("drift-detected"), null, null, null, List.of("ops")),
                new RouteRule(
                    List.of("dev.opsledger.apply.failed"), null, null, null, List.of("oncall"))),
            channels);
    assertThat(router.route(drift("shop", "prod"))).containsExactly("ops");
    assertThat(router.route(terminalFailure("shop", "prod"))).containsExactly("oncall");
  }

  @Test
  void routesBySourceAndTargetWithWildcards() {
    Router router =
        new Router(
            List.of(new RouteRule(null, List.of("shop-*"), List.of("prod*"), null, List.of("ops"))),
            channels);
    assertThat(router.route(drift("shop-eu", "prod-1"))).containsExactly("ops");
    assertThat(router.route(drift("billing", "prod-1"))).isEmpty();
    assertThat(router.route(drift("shop-eu", "staging"))).isEmpty();
  }

  @Test
  void routesByMinimumSeverity() {
    Router router =
        new Router(
            List.of(new RouteRule(null, null, null, Severity.ERROR, List.of("oncall"))), channels);
    assertThat(router.route(drift("shop", "prod"))).isEmpty();
    assertThat(router.route(terminalFailure("shop", "prod"))).containsExactly("oncall");
  }

  @Test
  void aChannelNeverGetsAKindItCannotCarry() {
    Router router =
        new Router(List.of(new RouteRule(null, null, null, null, List.of("github"))), channels);
    assertThat(router.route(drift("shop", "prod"))).isEmpty();
  }

  @Test
  void aRuleNamingAnUnknownChannelIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                new Router(
                    List.of(new RouteRule(null, null, null, null, List.of("nope"))), channels))
        .hasMessageContaining("'nope'");
  }
}
