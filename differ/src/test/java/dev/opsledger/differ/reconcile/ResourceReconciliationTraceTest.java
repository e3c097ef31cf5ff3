package dev.opsledger.differ.reconcile;

import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.ID;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.KEY;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.POLICY;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.T1;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.T2;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.desired;
import static dev.opsledger.differ.reconcile.ResourceReconciliationTest.recordLive;

import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Description;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A commit's trace follows its resource until it converges: the state changes that observations
 * cause meanwhile carry the declaration's {@code traceparent}, and drift found after the resource
 * was in sync carries none.
 */
class ResourceReconciliationTraceTest {

  static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  FixtureConfiguration<ResourceReconciliation> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(ResourceReconciliation.class);
    fixture.registerInjectableResource(POLICY);
  }

  @Test
  void anObservationOfAResourceStillConvergingContinuesTheCommitsTrace() {
    fixture
        .given(traced(desired("d1", "rev1", "a", T1)))
        .when(new RecordObservedAbsence(ID, KEY, "o1", T2, T2))
        .expectEventsMatching(lastStateChangeCarries(TRACE));
  }

  @Test
  void driftFoundAfterTheResourceWasInSyncStartsNoTrace() {
    fixture
        .given(traced(desired("d1", "rev1", "a", T1)))
        .andGivenCommands(recordLive("o1", "a", "1", true, T1))
        .when(recordLive("o2", "b", "2", true, T2))
        .expectEventsMatching(lastStateChangeCarries(null));
  }

  private static EventMessage<?> traced(Object event) {
    return GenericEventMessage.asEventMessage(event)
        .andMetaData(Map.of(ResourceReconciliation.TRACEPARENT, TRACE));
  }

  private static TypeSafeMatcher<List<EventMessage<?>>> lastStateChangeCarries(String trace) {
    return new TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(List<EventMessage<?>> events) {
        EventMessage<?> last = events.isEmpty() ? null : events.get(events.size() - 1);
        return last != null
            && last.getPayload() instanceof ReconciliationStateChanged
            && java.util.Objects.equals(
                trace, last.getMetaData().get(ResourceReconciliation.TRACEPARENT));
      }

      @Override
      public void describeTo(Description description) {
        description.appendText("a state change whose traceparent is " + trace);
      }
    };
  }
}
