package dev.opsledger.service;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * What a service does when a binding's partitions are assigned or revoked: seek a per-replica
 * reader to where its start-up replay stopped, take over or hand back the work of a partition.
 *
 * <p>Why not the binder's {@code KafkaBindingRebalanceListener}: the binder takes one for every
 * binding of the context, and then refuses any binding with {@code reset-offsets} (the
 * state-collector's). Under {@code opsledger up} the five services share one context. So each
 * service declares {@code BindingRebalance} beans for its own bindings, and {@link #install} puts a
 * rebalance listener on those bindings' containers only, after any the binder set.
 */
public interface BindingRebalance {

  /** Whether this handles the rebalances of the binding, e.g. {@code applierDiffsIn-in-0}. */
  boolean handles(String binding);

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

  /**
   * Installs, on the container of {@code binding}, a rebalance listener that calls those of {@code
   * all} that handle it (after any listener the binder had set); nothing when none does. {@link
   * ConsumerRetries}, the binder's one container customizer, calls it for every binding.
   */
  static void install(
      AbstractMessageListenerContainer<?, ?> container,
      String binding,
      List<BindingRebalance> all) {
    List<BindingRebalance> mine =
        binding == null ? List.of() : all.stream().filter(r -> r.handles(binding)).toList();
    if (mine.isEmpty()) {
      return;
    }
    ConsumerRebalanceListener before =
        container.getContainerProperties().getConsumerRebalanceListener();
    ConsumerAwareRebalanceListener first = aware(before);
    AtomicBoolean initial = new AtomicBoolean(true);
    container
        .getContainerProperties()
        .setConsumerRebalanceListener(
            new ConsumerAwareRebalanceListener() {
              @Override
              public void onPartitionsRevokedBeforeCommit(
                  Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                first.onPartitionsRevokedBeforeCommit(consumer, partitions);
                mine.forEach(r -> r.revoked(binding, partitions));
              }

              @Override
              public void onPartitionsRevokedAfterCommit(
                  Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                first.onPartitionsRevokedAfterCommit(consumer, partitions);
              }

              @Override
              public void onPartitionsLost(
                  Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                first.onPartitionsLost(consumer, partitions);
                // Lost (the session expired): another member may own them already.
                mine.forEach(r -> r.revoked(binding, partitions));
              }

              @Override
              public void onPartitionsAssigned(
                  Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                first.onPartitionsAssigned(consumer, partitions);
                boolean isFirst = initial.getAndSet(false);
                mine.forEach(r -> r.assigned(binding, consumer, partitions, isFirst));
              }
            });
  }

  /** The binder's own listener, if any, as a consumer-aware one. */
  private static ConsumerAwareRebalanceListener aware(ConsumerRebalanceListener listener) {
    if (listener instanceof ConsumerAwareRebalanceListener aware) {
      return aware;
    }
    return new ConsumerAwareRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (listener != null) {
          listener.onPartitionsRevoked(partitions);
        }
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (listener != null) {
          listener.onPartitionsLost(partitions);
        }
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (listener != null) {
          listener.onPartitionsAssigned(partitions);
        }
      }
    };
  }
}
