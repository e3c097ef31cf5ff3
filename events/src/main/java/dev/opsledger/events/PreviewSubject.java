package dev.opsledger.events;

/**
 * The record key and {@code ce_subject} of a pull request's preview events: {@code
 * <sourceId>#<number>}, so that all of one request's previews stay in order in one partition.
 */
public final class PreviewSubject {

  private PreviewSubject() {}

  /** The subject of a source's request, e.g. {@code shop-config#42}. */
  public static String of(String sourceId, long number) {
    return sourceId + "#" + number;
  }

  static void require(String sourceId, String provider, long number, String headSha) {
    Require.text("sourceId", sourceId);
    Require.text("provider", provider);
    Require.text("headSha", headSha);
    if (number <= 0) {
      throw new IllegalArgumentException("pull request number must be positive, got " + number);
    }
  }
}
