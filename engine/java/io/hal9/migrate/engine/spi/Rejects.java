package io.hal9.migrate.engine.spi;

import java.util.List;
import org.jooq.DSLContext;

/** The rows a step rejected (hal9_rejects). Writes take the batch's transaction. */
public interface Rejects {

  void save(DSLContext tx, List<Reject> rejects);

  void clear(DSLContext tx);
}
