package io.hal9.migrate.tools.scale;

import io.hal9.migrate.engine.ErrorCode;
import io.hal9.migrate.engine.Hal9MigrateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scale-up adds to the cluster's requests against what the nodes can still hold.
 *
 * @param what the scale-up, for messages: {@code 10 more replicas of hal9/hal9-server}
 */
public record Capacity(String what, CpuMemory need, CpuMemory free) {

  public boolean enough() {
    return need.fitsIn(free);
  }

  /** @throws Hal9MigrateException CAPACITY_SHORT (exit 5) naming the shortfall, when the nodes cannot hold it */
  public void check() {
    if (enough()) {
      return;
    }
    CpuMemory shortBy = need.minus(free.positive()).positive();
    List<String> missing = new ArrayList<>();
    if (shortBy.cpu().signum() > 0) {
      missing.add(shortBy.cpuText());
    }
    if (shortBy.memoryBytes().signum() > 0) {
      missing.add(shortBy.memoryText());
    }
    throw new Hal9MigrateException(ErrorCode.CAPACITY_SHORT, "node capacity short for " + what + ": need " + need
        + ", free " + free.positive() + " (short " + String.join(", ", missing) + "); nothing was changed",
        List.of("need " + need, "free " + free.positive(), "short " + String.join(", ", missing)), null);
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("needCpu", need.cpu());
    map.put("needMemoryBytes", need.memoryBytes().toBigInteger());
    map.put("freeCpu", free.cpu());
    map.put("freeMemoryBytes", free.memoryBytes().toBigInteger());
    map.put("enough", enough());
    return map;
  }
}
