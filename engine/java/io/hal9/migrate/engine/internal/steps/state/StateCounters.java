package io.hal9.migrate.engine.internal.steps.state;

/** A neuron-state step's counts, kept in its checkpoint: migrated, skipped (another version) and rejected rows. */
record StateCounters(long migrated, long skipped, long rejected) {
  static final StateCounters NONE = new StateCounters(0, 0, 0);

  StateCounters plus(long migrated, long skipped, long rejected) {
    return new StateCounters(this.migrated + migrated, this.skipped + skipped, this.rejected + rejected);
  }
}
