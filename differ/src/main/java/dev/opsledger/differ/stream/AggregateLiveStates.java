package dev.opsledger.differ.stream;

import dev.opsledger.differ.preview.LiveView;
import dev.opsledger.differ.reconcile.ResourceReconciliation;
import dev.opsledger.events.ResourceKey;
import java.util.function.Function;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;

/**
 * The live state the differ already keeps, read for a preview: each resource's aggregate is loaded
 * in a unit of work that is always rolled back, so nothing is appended, no command is handled and
 * no snapshot is scheduled. A resource the differ never saw has nothing live.
 */
public final class AggregateLiveStates implements Function<ResourceKey, LiveView> {

  private final Repository<ResourceReconciliation> repository;

  /** Reads through the aggregate's repository. */
  public AggregateLiveStates(Repository<ResourceReconciliation> repository) {
    this.repository = repository;
  }

  @Override
  public LiveView apply(ResourceKey key) {
    // A command message, as the repository expects in its unit of work; it is never dispatched.
    DefaultUnitOfWork<?> uow =
        DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("preview"));
    try {
      var aggregate = repository.load(key.toString());
      return aggregate.invoke(
          a ->
              a.liveForPreview() == null
                  ? LiveView.NONE
                  : new LiveView(a.liveForPreview().deepCopy(), a.managedForPreview()));
    } catch (AggregateNotFoundException e) {
      return LiveView.NONE;
    } finally {
      uow.rollback();
    }
  }
}
