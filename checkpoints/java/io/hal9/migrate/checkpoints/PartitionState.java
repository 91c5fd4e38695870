package io.hal9.migrate.checkpoints;

import java.util.Locale;

/** Where a partition stands: not claimed yet, claimed (its owner's lease says whether it still works it), or done. */
public enum PartitionState {
  PENDING,
  RUNNING,
  DONE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static PartitionState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
