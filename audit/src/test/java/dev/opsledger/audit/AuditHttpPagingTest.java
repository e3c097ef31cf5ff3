package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AuditHttpPagingTest {

  private final List<String> ids = List.of("a", "b", "c", "d", "e");

  @Test
  void pagesFollowEachOtherThroughTheNextCursorToTheEnd() {
    var first = AuditHttpServer.page(ids, Function.identity(), null, 2);
    assertThat(first.items()).containsExactly("a", "b");
    assertThat(first.next()).contains("b");
    var second = AuditHttpServer.page(ids, Function.identity(), "b", 2);
    assertThat(second.items()).containsExactly("c", "d");
    var last = AuditHttpServer.page(ids, Function.identity(), second.next().orElseThrow(), 2);
    assertThat(last.items()).containsExactly("e");
    assertThat(last.next()).isEmpty();
  }

  @Test
  void refusesACursorThatNamesNothingInTheAnswer() {
    assertThatThrownBy(() -> AuditHttpServer.page(ids, Function.identity(), "zz", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'after' names nothing");
  }

  @Test
  void refusesPageSizesThatAreNotAWholeNumberInRange() {
    for (String bad : List.of("0", "-1", "abc", "10001", "1e3", "99999999999")) {
      assertThatThrownBy(() -> AuditHttpServer.limit(Map.of("limit", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'limit' must be a whole number from 1 to 10000");
    }
    assertThat(AuditHttpServer.limit(Map.of())).isNull();
    assertThat(AuditHttpServer.limit(Map.of("limit", "10000"))).isEqualTo(10_000);
  }
}
