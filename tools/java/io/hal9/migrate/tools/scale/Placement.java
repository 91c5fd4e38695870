package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods placed on nodes first-fit, each taking its requests from the room of the first node that admits and
 * holds it: the scheduler at first approximation (it scores nodes rather than taking the first, but a pod that
 * fits nowhere here fits nowhere there either).
 */
final class Placement {
  private final List<NodeRoom> rooms;

  Placement(List<NodeRoom> rooms) {
    this.rooms = new ArrayList<>(rooms);
  }

  /** Places a pod of {@code spec} requesting {@code requests}; false when no node admits and holds it. */
  boolean place(PodSpec spec, CpuMemory requests) {
    for (int i = 0; i < rooms.size(); i++) {
      NodeRoom room = rooms.get(i);
      if (room.admits(spec) && room.holds(requests)) {
        rooms.set(i, room.taking(requests));
        return true;
      }
    }
    return false;
  }

  /** Takes {@code requests} on the named node only (a running pod growing in place); false when it does not hold them. */
  boolean placeOn(String node, CpuMemory requests) {
    for (int i = 0; i < rooms.size(); i++) {
      NodeRoom room = rooms.get(i);
      if (room.name().equals(node)) {
        if (!room.holds(requests)) {
          return false;
        }
        rooms.set(i, room.taking(requests));
        return true;
      }
    }
    return false;
  }

  boolean hasNode(String node) {
    return rooms.stream().anyMatch(room -> room.name().equals(node));
  }

  /** What the nodes admitting {@code spec} still hold together (an overcommitted node counts as none). */
  CpuMemory freeFor(PodSpec spec) {
    return rooms.stream().filter(room -> room.admits(spec)).map(room -> room.free().positive())
        .reduce(CpuMemory.ZERO, CpuMemory::plus);
  }

  /** The most CPU and the most memory free on any one node admitting {@code spec} (each resource on its own). */
  CpuMemory largestFor(PodSpec spec) {
    return rooms.stream().filter(room -> room.admits(spec)).map(room -> room.free().positive())
        .reduce(CpuMemory.ZERO, CpuMemory::max);
  }
}
