package dev.opsledger.differ.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.opsledger.differ.Fixtures;
import org.junit.jupiter.api.Test;

class ListKeysTest {

  private static final ManifestRef DEPLOYMENT =
      new ManifestRef("apps", "v1", "Deployment", "shop", "web");
  private static final ManifestRef SERVICE = new ManifestRef("", "v1", "Service", "shop", "web");
  private static final ManifestRef WIDGET =
      new ManifestRef("example.com", "v1", "Widget", "shop", "w");
  private static final Path CONTAINERS = Path.parse("/spec/template/spec/containers");

  private static ArrayNode list(String json) {
    return (ArrayNode) Fixtures.json(json);
  }

  @Test
  void containersPairByNameWhateverTheirOrder() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            DEPLOYMENT,
            CONTAINERS,
            list("[{\"name\":\"web\"},{\"name\":\"proxy\"},{\"name\":\"new\"}]"),
            list("[{\"name\":\"proxy\"},{\"name\":\"sidecar\"},{\"name\":\"web\"}]"));

    assertThat(p.keyed()).isTrue();
    assertThat(p.liveIndices()).containsExactly(2, 0, -1);
  }

  @Test
  void containerPortsPairByPortAndProtocolWithTcpAsTheDefault() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            DEPLOYMENT,
            CONTAINERS.index(0).member("ports"),
            list("[{\"containerPort\":53,\"protocol\":\"UDP\"},{\"containerPort\":53}]"),
            list(
                "[{\"containerPort\":53,\"protocol\":\"TCP\"},{\"containerPort\":\"53\",\"protocol\":\"UDP\"}]"));

    assertThat(p.liveIndices()).containsExactly(1, 0);
  }

  @Test
  void servicePortsPairByPortAndProtocol() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            SERVICE,
            Path.parse("/spec/ports"),
            list("[{\"name\":\"http\",\"port\":80},{\"name\":\"https\",\"port\":443}]"),
            list(
                "[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\"},{\"name\":\"web\",\"port\":80,\"protocol\":\"TCP\"}]"));

    assertThat(p.liveIndices()).containsExactly(1, 0);
  }

  @Test
  void volumeMountsPairByMountPathSinceOneVolumeMayBeMountedTwice() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            DEPLOYMENT,
            CONTAINERS.index(0).member("volumeMounts"),
            list(
                "[{\"name\":\"cfg\",\"mountPath\":\"/a\"},{\"name\":\"cfg\",\"mountPath\":\"/b\"}]"),
            list(
                "[{\"name\":\"cfg\",\"mountPath\":\"/b\"},{\"name\":\"cfg\",\"mountPath\":\"/a\"}]"));

    assertThat(p.liveIndices()).containsExactly(1, 0);
  }

  @Test
  void otherListsOfUniquelyNamedItemsPairByName() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            WIDGET,
            Path.parse("/spec/groups"),
            list("[{\"name\":\"a\"},{\"name\":\"b\"}]"),
            list("[{\"name\":\"b\"},{\"name\":\"a\"}]"));

    assertThat(p.keyed()).isTrue();
    assertThat(p.liveIndices()).containsExactly(1, 0);
  }

  @Test
  void everythingElsePairsByPosition() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            DEPLOYMENT,
            Path.parse("/spec/template/spec/tolerations"),
            list("[{\"key\":\"a\"},{\"key\":\"b\"},{\"key\":\"c\"}]"),
            list("[{\"key\":\"b\"},{\"key\":\"a\"}]"));

    assertThat(p.keyed()).isFalse();
    assertThat(p.liveIndices()).containsExactly(0, 1, -1);
  }

  @Test
  void namesThatRepeatAreNotAKeyOutsideKnownLists() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            WIDGET,
            Path.parse("/spec/items"),
            list("[{\"name\":\"a\"},{\"name\":\"a\"}]"),
            list("[{\"name\":\"a\"},{\"name\":\"a\"}]"));

    assertThat(p.keyed()).isFalse();
  }

  @Test
  void aDesiredItemWithoutItsKeyCannotBePaired() {
    assertThatThrownBy(
            () ->
                ListKeys.pair(DEPLOYMENT, CONTAINERS, list("[{\"image\":\"web:1\"}]"), list("[]")))
        .isInstanceOf(NotComparableException.class)
        .hasMessage("/spec/template/spec/containers/0 has no name, the key its list is matched by");
  }

  @Test
  void aDesiredKeyTwiceCannotBePaired() {
    assertThatThrownBy(
            () ->
                ListKeys.pair(
                    DEPLOYMENT,
                    CONTAINERS.index(0).member("env"),
                    list("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"A\",\"value\":\"2\"}]"),
                    list("[]")))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("two items with name 'A'");
  }

  @Test
  void aLiveKeyTwicePairsWithTheLastOneWhichIsTheOneInEffect() throws NotComparableException {
    Pairing p =
        ListKeys.pair(
            DEPLOYMENT,
            CONTAINERS.index(0).member("env"),
            list("[{\"name\":\"A\"}]"),
            list("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"A\",\"value\":\"2\"}]"));

    assertThat(p.liveIndices()).containsExactly(1);
  }
}
