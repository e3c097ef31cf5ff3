package dev.opsledger.gitwatcher.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Rendered manifests, as one file of the revision.
 *
 * @param path where they came from: {@code overlays/prod (kustomize)}, or the chart template of
 *     helm's {@code # Source:} comment ({@code charts/web/templates/deploy.yaml})
 * @param bytes the rendered YAML
 */
public record RenderedFile(String path, byte[] bytes) {

  /** The prefix of the ids of rendered files, which are not Git blobs. */
  public static final String ID_PREFIX = "rendered:";

  /** A stable id of the content, in place of a blob id: same output, same id, no re-emission. */
  public String id() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(path.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return ID_PREFIX + HexFormat.of().formatHex(sha.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
