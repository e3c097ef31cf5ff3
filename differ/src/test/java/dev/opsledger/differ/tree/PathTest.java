package dev.opsledger.differ.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathTest {

  @Test
  void rendersAnRfc6901PointerWithEscapedTokens() {
    Path p = Path.root().member("metadata").member("labels").member("app.kubernetes.io/name");

    assertThat(p.pointer()).isEqualTo("/metadata/labels/app.kubernetes.io~1name");
    assertThat(Path.root().member("a~b").pointer()).isEqualTo("/a~0b");
    assertThat(Path.root().pointer()).isEmpty();
  }

  @Test
  void aPatternWritesEveryIndexAsAWildcard() {
    Path p = Path.root().member("spec").member("containers").index(2).member("image");

    assertThat(p.pointer()).isEqualTo("/spec/containers/2/image");
    assertThat(p.pattern()).isEqualTo("/spec/containers/*/image");
  }

  @Test
  void parsesWhatItRenders() {
    Path p = Path.parse("/metadata/annotations/a~1b~0c");

    assertThat(p.tokens()).containsExactly("metadata", "annotations", "a/b~c");
    assertThat(p.pointer()).isEqualTo("/metadata/annotations/a~1b~0c");
    assertThatThrownBy(() -> Path.parse("spec")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knowsItsLastToken() {
    Path item = Path.root().member("ports").index(0);

    assertThat(item.isIndex()).isTrue();
    assertThat(item.memberName()).isNull();
    assertThat(item.parent().memberName()).isEqualTo("ports");
    assertThat(item.parent().append().pointer()).isEqualTo("/ports/-");
  }
}
