package dev.opsledger.collector.desired;

/** A collector that reacts to what the desired topic declares. */
@FunctionalInterface
public interface DesiredListener {

  /** Called on the desired consumer's thread for every update that changed something. */
  void onDesired(DesiredUpdate update);
}
