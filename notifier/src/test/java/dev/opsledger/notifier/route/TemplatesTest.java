package dev.opsledger.notifier.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.notice.Masking;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {

  final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
  final Notice drift = Fixtures.chatDrift(Fixtures.deployment("prod", "web"), "shop", "r1", t0);

  @Test
  void fillsPlaceholdersAndLeavesUnknownOnesAsWritten() {
    assertThat(Templates.render("{a} and {b} and {unknown}", Map.of("a", "1", "b", "2")))
        .isEqualTo("1 and 2 and {unknown}");
    assertThat(Templates.render("no placeholders {", Map.of())).isEqualTo("no placeholders {");
  }

  @Test
  void builtInDriftTemplateNamesResourceRevisionAndSource() {
    Templates t = Templates.defaults();
    assertThat(t.title(drift)).isEqualTo("Drift: shop/Deployment/web still drifted");
    assertThat(t.text(drift))
        .contains("prod/apps/Deployment/shop/web")
        .contains("`r1`")
        .contains("`shop`");
  }

  @Test
  void aUserTemplateOverridesTheTextAndKeepsTheDefaultTitle() {
    Templates t =
        new Templates(
            Map.of(
                NoticeKind.DRIFT_DETECTED,
                new Templates.Template("", ":warning: {shortName} drifted on {target}")));
    assertThat(t.text(drift)).isEqualTo(":warning: shop/Deployment/web drifted on prod");
    assertThat(t.title(drift)).isEqualTo("Drift: shop/Deployment/web still drifted");
  }

  @Test
  void evenATemplateCannotPutAProtectedValueIntoAMessage() {
    assertThat(Templates.render("x " + Fixtures.SEALED, Map.of())).isEqualTo("x " + Masking.MASK);
  }
}
