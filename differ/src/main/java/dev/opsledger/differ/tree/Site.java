package dev.opsledger.differ.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One value the desired manifest sets, as met by a {@link PairedWalk}, with its live counterpart.
 *
 * <p>A site is either an object member (it has a {@link #field()}) or a list item (it has a {@link
 * #desiredIndex()}). Its live counterpart is the member of the same name in the paired live object,
 * or the paired list item; it is {@code null} when the live object has none.
 */
public final class Site {

  private final ManifestRef ref;
  private final Path parentPath;
  private final Path liveParentPath;
  private final ContainerPair parents;
  private final String field;
  private final int desiredIndex;
  private final int liveIndex;
  private final boolean keyedItem;
  private Path path;

  Site(
      ManifestRef ref,
      Path parentPath,
      Path liveParentPath,
      ContainerPair parents,
      String field,
      int desiredIndex,
      int liveIndex,
      boolean keyedItem) {
    this.ref = ref;
    this.parentPath = parentPath;
    this.liveParentPath = liveParentPath;
    this.parents = parents;
    this.field = field;
    this.desiredIndex = desiredIndex;
    this.liveIndex = liveIndex;
    this.keyedItem = keyedItem;
  }

  /** The object being compared. */
  public ManifestRef ref() {
    return ref;
  }

  /** Where this value is in the desired manifest. */
  public Path path() {
    if (path == null) {
      path = field != null ? parentPath.member(field) : parentPath.index(desiredIndex);
    }
    return path;
  }

  /**
   * Where the live counterpart is (or would be added) in the live object: differs from {@link
   * #path()} when list items were paired by key. For a list item the live object lacks, the path
   * ends in {@code -} (append).
   */
  public Path livePath() {
    if (field != null) {
      return liveParentPath.member(field);
    }
    return liveIndex < 0 ? liveParentPath.append() : liveParentPath.index(liveIndex);
  }

  /** The member name, or {@code null} for a list item. */
  public String field() {
    return field;
  }

  /** The index in the desired list, or {@code -1} for an object member. */
  public int desiredIndex() {
    return desiredIndex;
  }

  /**
   * Whether this is an item of a list paired by key (so removing it from the desired list does not
   * change how the other items pair), rather than an object member or an item paired by position.
   */
  public boolean isKeyedItem() {
    return keyedItem;
  }

  /** The desired value; never {@code null} (a JSON {@code null} is a {@code NullNode}). */
  public JsonNode desired() {
    return field != null ? parents.desired().get(field) : parents.desired().get(desiredIndex);
  }

  /** The live value, or {@code null} when the live object has none here. */
  public JsonNode live() {
    if (field != null) {
      return parents.live().get(field);
    }
    return liveIndex < 0 ? null : parents.live().get(liveIndex);
  }

  /** The desired object or list that holds this value. */
  public JsonNode desiredParent() {
    return parents.desired();
  }

  /** The live object or list paired with {@link #desiredParent()}. */
  public JsonNode liveParent() {
    return parents.live();
  }

  /**
   * Whether {@link #setLive} can be called: always for an object member, for a list item only when
   * it has a live counterpart (normalisers never add or remove live list items, so that the indices
   * in a patch address the live object as it was observed).
   */
  public boolean canSetLive() {
    return field != null || liveIndex >= 0;
  }

  /**
   * Replaces (or adds) the live value here. Normalisers use this to make the live side say what the
   * desired side says when the two mean the same.
   *
   * @throws IllegalStateException for a list item that has no live counterpart
   */
  public void setLive(JsonNode value) {
    if (field != null) {
      ((ObjectNode) parents.live()).set(field, value);
    } else if (liveIndex >= 0) {
      ((ArrayNode) parents.live()).set(liveIndex, value);
    } else {
      throw new IllegalStateException(
          "a normaliser never adds a live list item (at " + path().pointer() + ")");
    }
  }

  /** The desired and live container (object or list) a site belongs to. */
  record ContainerPair(JsonNode desired, JsonNode live) {}
}
