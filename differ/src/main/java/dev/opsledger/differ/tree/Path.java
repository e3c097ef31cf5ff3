package dev.opsledger.differ.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable location in a JSON document, built one token at a time and rendered as an RFC 6901
 * JSON Pointer only when asked.
 *
 * <p>A token is either an object member name or an array index. {@link #pattern()} writes every
 * index as {@code *}, which is how the defaults and quantity tables name "any item of this list".
 */
public final class Path {

  private static final Path ROOT = new Path(null, null, -1);

  /** The token that appends to an array in a JSON Patch {@code add}. */
  public static final String APPEND = "-";

  private final Path parent;
  private final String member;
  private final int index;

  private Path(Path parent, String member, int index) {
    this.parent = parent;
    this.member = member;
    this.index = index;
  }

  /** The whole document: the empty pointer. */
  public static Path root() {
    return ROOT;
  }

  /**
   * Parses an RFC 6901 pointer. Tokens made only of digits are read as member names, since a
   * pointer alone cannot tell an index from a name; the walks compare tokens as text.
   *
   * @throws IllegalArgumentException when the text is neither empty nor starts with {@code /}
   */
  public static Path parse(String pointer) {
    if (pointer.isEmpty()) {
      return ROOT;
    }
    if (pointer.charAt(0) != '/') {
      throw new IllegalArgumentException("a JSON pointer starts with '/': '" + pointer + "'");
    }
    Path p = ROOT;
    for (String raw : pointer.substring(1).split("/", -1)) {
      p = p.member(raw.replace("~1", "/").replace("~0", "~"));
    }
    return p;
  }

  /** This path followed by an object member. */
  public Path member(String name) {
    return new Path(this, name, -1);
  }

  /** This path followed by an array index. */
  public Path index(int i) {
    if (i < 0) {
      throw new IllegalArgumentException("an array index is never negative: " + i);
    }
    return new Path(this, null, i);
  }

  /** This path followed by {@code -}, the end of an array (only meaningful in a patch). */
  public Path append() {
    return new Path(this, APPEND, -1);
  }

  /** The path one level up; the root is its own parent. */
  public Path parent() {
    return parent == null ? this : parent;
  }

  /** Whether this is the whole document. */
  public boolean isRoot() {
    return parent == null;
  }

  /** The last token when it is a member name, else {@code null} (an index, or the root). */
  public String memberName() {
    return member;
  }

  /** Whether the last token is an array index. */
  public boolean isIndex() {
    return parent != null && member == null;
  }

  /** The last token as text: a member name or an index. Empty for the root. */
  public String lastToken() {
    if (parent == null) {
      return "";
    }
    return member != null ? member : Integer.toString(index);
  }

  /** The tokens from the root down. */
  public List<String> tokens() {
    List<String> out = new ArrayList<>();
    for (Path p = this; p.parent != null; p = p.parent) {
      out.add(p.lastToken());
    }
    Collections.reverse(out);
    return out;
  }

  /** The RFC 6901 pointer, e.g. {@code /spec/template/spec/containers/0/image}. */
  public String pointer() {
    return render(false);
  }

  /** The pointer with every array index written as {@code *}. */
  public String pattern() {
    return render(true);
  }

  private String render(boolean wildcardIndices) {
    if (parent == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(64);
    appendTo(sb, wildcardIndices);
    return sb.toString();
  }

  private void appendTo(StringBuilder sb, boolean wildcardIndices) {
    if (parent == null) {
      return;
    }
    parent.appendTo(sb, wildcardIndices);
    sb.append('/');
    if (member != null) {
      sb.append(escape(member));
    } else if (wildcardIndices) {
      sb.append('*');
    } else {
      sb.append(index);
    }
  }

  /** Escapes one token: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
  public static String escape(String token) {
    if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
      return token;
    }
    return token.replace("~", "~0").replace("/", "~1");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Path other && pointer().equals(other.pointer());
  }

  @Override
  public int hashCode() {
    return pointer().hashCode();
  }

  /** The pointer. */
  @Override
  public String toString() {
    return pointer();
  }
}
