package dev.opsledger.service;

import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;

/**
 * What a service does when a binding's partitions are assigned or revoked: seek a per-replica
 * reader to where its start-up replay stopped, take over or hand back the work of a partition.
 *
 * <p>The Kafka binder wires one {@link KafkaBindingRebalanceListener} into every binding, and only
 * when the context has exactly one. Under {@code opsledger up} the five services share a context,
 * so each declares {@code BindingRebalance} beans instead, and {@link #listener} is that one
 * listener: it hands each callback to every {@code BindingRebalance} of the context, which looks at
 * the binding name.
 */
public interface BindingRebalance {

  /**
   * Partitions are about to be revoked, before the container commits its offsets. Work on them must
   * be finished or handed back before this returns: the next owner may start at once.
   */
  default void revoked(String binding, Collection<TopicPartition> partitions) {}

  /**
   * Partitions were assigned, before the first poll of them; a seek here sets where reading starts.
   *
   * @param initial whether this is the binding's first assignment since it started
   */
  default void assigned(
      String binding,
      Consumer<?, ?> consumer,
      Collection<TopicPartition> partitions,
      boolean initial) {}

  /** The one listener of the context, handing each callback to every {@code BindingRebalance}. */
  static KafkaBindingRebalanceListener listener(List<BindingRebalance> all) {
    return new KafkaBindingRebalanceListener() {
      @Override
      public void onPartitionsRevokedBeforeCommit(
          String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        all.forEach(r -> r.revoked(bindingName, partitions));
      }

      @Override
      public void onPartitionsAssigned(
          String bindingName,
          Consumer<?, ?> consumer,
          Collection<TopicPartition> partitions,
          boolean initial) {
        all.forEach(r -> r.assigned(bindingName, consumer, partitions, initial));
      }
    };
  }
}
