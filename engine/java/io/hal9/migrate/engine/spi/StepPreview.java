package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.api.Routing;
import java.util.Optional;
import javax.sql.DataSource;

/** What a step may read to say what it would change, in a dry run: nothing here writes. */
public interface StepPreview {
  /** The routing HAL9 reads as the target database holds it now. */
  Routing routing();

  /** The Prometheus server the run was given ({@code --prometheus}), if any. */
  Optional<PrometheusQuery> prometheus();

  /** The target database, for reads (health checks). */
  DataSource dataSource();
}
