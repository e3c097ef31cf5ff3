package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Path;
import dev.opsledger.differ.tree.Site;
import java.util.Set;

/**
 * Compares resource quantities by value: {@code cpu: 0.5} = {@code 500m}, {@code memory: 1Gi} =
 * {@code 1024Mi}, {@code pods: 1e3} = {@code 1k}. The API server stores quantities in a canonical
 * form of its own, so the live text often differs from what the manifest says.
 *
 * <p>A value is read as a quantity where the API expects one, and nowhere else (a ConfigMap value
 * {@code "1k"} is text):
 *
 * <ul>
 *   <li>every value of {@code resources.limits} and {@code resources.requests} (containers, PVCs,
 *       claim templates, and custom resources that mirror the shape);
 *   <li>every value of {@code capacity}, {@code allocatable}, {@code hard} (ResourceQuota) and
 *       {@code overhead};
 *   <li>{@code sizeLimit} (emptyDir), LimitRange {@code max/min/default/defaultRequest/
 *       maxLimitRequestRatio} values, HPA metric {@code target.value/averageValue};
 *   <li>any member named {@code cpu}, {@code memory}, {@code storage}, {@code ephemeral-storage} or
 *       {@code hugepages-*} (custom resources), except in ConfigMaps and Secrets.
 * </ul>
 *
 * <p>When both sides hold the same quantity, the live value is made to read as the desired one.
 */
public final class QuantityNormalizer implements Normalizer {

  private static final Set<String> QUANTITY_MAPS = Set.of("capacity", "allocatable", "hard");
  private static final Set<String> LIMIT_RANGE_MAPS =
      Set.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio");
  private static final Set<String> QUANTITY_NAMES =
      Set.of("cpu", "memory", "storage", "ephemeral-storage");
  private static final Set<String> TEXT_KINDS = Set.of("ConfigMap", "Secret");

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    ManifestRef ref = comparison.ref();
    if (ref.group().isEmpty() && TEXT_KINDS.contains(ref.kind())) {
      return;
    }
    PairedWalk.walk(
        ref,
        comparison.desired(),
        comparison.live(),
        site -> {
          JsonNode d = site.desired();
          JsonNode l = site.live();
          if (l == null || d.isContainerNode() || l.isContainerNode() || d.equals(l)) {
            return Next.DESCEND;
          }
          if (isQuantitySlot(site) && Quantity.sameValue(d, l) && site.canSetLive()) {
            site.setLive(d.deepCopy());
          }
          return Next.SKIP;
        });
  }

  /** Whether the API expects a quantity at this site. */
  static boolean isQuantitySlot(Site site) {
    String field = site.field();
    if (field == null) {
      return false;
    }
    Path parent = site.path().parent();
    // Set.of(...).contains(null) throws: a parent that is a list item has no name.
    String parentName = parent.memberName() == null ? "" : parent.memberName();
    String grandName = parent.parent().memberName();
    if (("limits".equals(parentName) || "requests".equals(parentName))
        && "resources".equals(grandName)) {
      return true;
    }
    if (QUANTITY_MAPS.contains(parentName) || "overhead".equals(parentName)) {
      return true;
    }
    if ("sizeLimit".equals(field)) {
      return true;
    }
    String kind = site.ref().kind();
    if ("LimitRange".equals(kind) && LIMIT_RANGE_MAPS.contains(parentName)) {
      return true;
    }
    if ("HorizontalPodAutoscaler".equals(kind)
        && "target".equals(parentName)
        && ("value".equals(field) || "averageValue".equals(field))) {
      return true;
    }
    return QUANTITY_NAMES.contains(field) || field.startsWith("hugepages-");
  }
}
