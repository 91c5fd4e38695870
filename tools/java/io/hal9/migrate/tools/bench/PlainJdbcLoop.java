package io.hal9.migrate.tools.bench;

import io.hal9.migrate.engine.internal.steps.state.StateTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The baseline the neuron-state step is measured against: what one writes by hand with JDBC. A keyset loop
 * doing the same transform on one thread, one UPDATE per row in a JDBC batch, a commit per batch, no
 * checkpoint, no snapshot. Deliberately raw JDBC: it is the yardstick, not engine code.
 */
final class PlainJdbcLoop {
  private final DataSource dataSource;
  private final boolean postgres;
  private final StateTransform transform;

  PlainJdbcLoop(DataSource dataSource, boolean postgres, StateTransform transform) {
    this.dataSource = dataSource;
    this.postgres = postgres;
    this.transform = transform;
  }

  /** Migrates {@code table} from state version 1 to 2; returns the rows updated. */
  long run(String table, int batchSize) throws SQLException {
    String select = "SELECT id, state, layer, kind FROM " + table + " WHERE id > ? AND state_version = 1 ORDER BY id LIMIT ?";
    String update = "UPDATE " + table + " SET state = " + (postgres ? "?::jsonb" : "? FORMAT JSON")
        + ", state_version = 2, layer = ? WHERE id = ?";
    long updated = 0;
    long cursor = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement read = connection.prepareStatement(select);
          PreparedStatement write = connection.prepareStatement(update)) {
        while (true) {
          read.setLong(1, cursor);
          read.setInt(2, batchSize);
          int rows = 0;
          try (ResultSet result = read.executeQuery()) {
            while (result.next()) {
              cursor = result.getLong(1);
              StateTransform.Result row = transform.apply(Long.toString(cursor), result.getString(2), result.getString(3),
                  Map.of("kind", result.getString(4)));
              write.setString(1, row.state());
              write.setString(2, row.layer());
              write.setLong(3, cursor);
              write.addBatch();
              rows++;
            }
          }
          if (rows == 0) {
            return updated;
          }
          write.executeBatch();
          connection.commit();
          updated += rows;
        }
      }
    }
  }
}
