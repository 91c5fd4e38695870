package io.hal9.migrate.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a test once on a fresh H2 database and once on a fresh PostgreSQL database, given as its
 * {@link TestDatabase} parameter and dropped after the test.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@ArgumentsSource(OnBothDatabases.Provider.class)
public @interface OnBothDatabases {

  final class Provider implements ArgumentsProvider {
    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
      return databases().map(Arguments::of);
    }

    /** A fresh H2 and a fresh PostgreSQL database, each created on first use: for providers that cross them with more. */
    public static Stream<TestDatabase> databases() {
      return Stream.of(new Lazy("h2", TestDatabase::h2), new Lazy("postgresql", TestDatabase::postgres));
    }
  }

  /** Created on first use, so a machine without PostgreSQL skips only that invocation. */
  final class Lazy extends TestDatabase {
    private final String name;
    private final Supplier<TestDatabase> supplier;
    private TestDatabase database;

    Lazy(String name, Supplier<TestDatabase> supplier) {
      this.name = name;
      this.supplier = supplier;
    }

    private TestDatabase database() {
      if (database == null) {
        database = supplier.get();
      }
      return database;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String url() {
      return database().url();
    }

    @Override
    protected String testUrl() {
      return database().testUrl();
    }

    @Override
    public void serve() throws java.sql.SQLException {
      database().serve();
    }

    @Override
    public void close() throws Exception {
      if (database != null) {
        database.close();
      }
    }
  }
}
