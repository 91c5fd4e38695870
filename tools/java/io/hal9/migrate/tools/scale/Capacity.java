package io.hal9.migrate.tools.scale;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the nodes can hold what a scale-up adds, pod by pod: the new replicas placed first-fit on the nodes that
 * admit them, and the running replicas whose requests grow each growing on its own node, after the pending pods
 * took their room. A sum over the nodes would approve pods no single node can hold.
 *
 * @param what the scale-up, for messages: {@code 10 more replicas of hal9/hal9-server}
 * @param need all the requests it adds together
 * @param free what the nodes admitting the pods still hold together, after the pending pods
 * @param largest the most CPU and the most memory one such node still holds (each resource on its own)
 * @param newPods the replicas added
 * @param each what each added replica requests
 * @param grownPods the running replicas whose requests grow
 * @param growth how much each of those grows
 * @param fits how many of the added and grown pods found room
 */
public record Capacity(String what, CpuMemory need, CpuMemory free, CpuMemory largest, int newPods, CpuMemory each,
    int grownPods, CpuMemory growth, int fits) {

  /** The pods that add requests: new replicas and growing ones. */
  public int added() {
    return newPods + grownPods;
  }

  public boolean enough() {
    return fits == added();
  }

  /** {@code need 15 CPU / 30Gi, free 20.5 CPU / 41Gi, 10 of 10 fit}. */
  public String summary() {
    return "need " + need + ", free " + free + ", " + fits + " of " + added() + " fit";
  }

  /** @throws Hal9MigrateException CAPACITY_SHORT (exit 5) naming the pods that do not fit, when the nodes cannot hold them */
  public void check() {
    if (enough()) {
      return;
    }
    List<String> details = List.of(fits + " of " + added() + " fit", perPod(), "largest free on one node " + largest,
        "free in all " + free, "need " + need);
    throw new Hal9MigrateException(ToolCode.CAPACITY_SHORT, "node capacity short for " + what + ": " + details.get(0)
        + " (" + String.join("; ", details.subList(1, 4)) + "); nothing was changed", details, null);
  }

  /** What each pod needs: {@code each needs 1.5 CPU / 3Gi}. */
  private String perPod() {
    if (grownPods == 0) {
      return "each needs " + each;
    }
    if (newPods == 0) {
      return "each needs " + growth + " more on its node";
    }
    return newPods + " new need " + each + " each, " + grownPods + " running need " + growth + " more each on their node";
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("needCpu", need.cpu());
    map.put("needMemoryBytes", need.memoryBytes().toBigInteger());
    map.put("freeCpu", free.cpu());
    map.put("freeMemoryBytes", free.memoryBytes().toBigInteger());
    map.put("enough", enough());
    map.put("fits", fits);
    map.put("added", added());
    return map;
  }
}
