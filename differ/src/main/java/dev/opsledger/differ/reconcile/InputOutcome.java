package dev.opsledger.differ.reconcile;

/** What a command did to its aggregate: the typed answer of every command handler. */
public enum InputOutcome {
  /** The input was new: it was recorded (and the diff state may have changed). */
  RECORDED,
  /** The same input (same {@code ce_id}) was handled before. */
  DUPLICATE,
  /** The input says nothing new (same content hash, same revision, already absent). */
  UNCHANGED,
  /** The input is older than one already recorded (older revision or observation). */
  STALE
}
