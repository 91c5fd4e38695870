package io.hal9.migrate.support;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL that tests use: a Testcontainers container where Docker runs, else the server named by
 * HAL9_TEST_PG_URL. With neither, PostgreSQL tests are skipped, unless HAL9_REQUIRE_PG is set (CI): then
 * they fail.
 */
final class PostgresServer {
  private static String adminUrl;
  private static String unavailable;

  private PostgresServer() {}

  static synchronized TestDatabase newDatabase() {
    if (adminUrl == null && unavailable == null) {
      locate();
    }
    if (adminUrl == null) {
      if (System.getenv("HAL9_REQUIRE_PG") != null) {
        throw new IllegalStateException("HAL9_REQUIRE_PG is set but " + unavailable);
      }
      Assumptions.abort(unavailable);
    }
    try {
      return new TestDatabase.Postgres(adminUrl);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + adminUrl + ": " + e.getMessage(), e);
    }
  }

  private static void locate() {
    String configured = System.getenv("HAL9_TEST_PG_URL");
    if (configured == null || configured.isBlank()) {
      configured = null;
    }
    if (configured == null && DockerClientFactory.instance().isDockerAvailable()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
      container.start();
      adminUrl = container.getJdbcUrl() + "?user=" + container.getUsername() + "&password=" + container.getPassword();
      return;
    }
    if (configured != null) {
      adminUrl = configured;
      return;
    }
    unavailable = "no PostgreSQL for tests: no Docker engine and HAL9_TEST_PG_URL is not set";
  }
}
