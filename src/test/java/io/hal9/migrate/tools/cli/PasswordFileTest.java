package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --password-file FILE} and {@code HAL9_DB_PASSWORD_FILE}: the password read once from a file (a mounted
 * secret, its trailing newline stripped), so it never shows in {@code ps}; redacted exactly like {@code --password}.
 */
class PasswordFileTest {
  private static final String PASSWORD = "s3cr3t-pw";
  private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/nope";
  private static final String TABLE = "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n";

  @TempDir Path dir;

  @OnBothDatabases
  void passwordFromAFileIsThePasswordTheDatabaseGets(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).file("V1__t.yaml", TABLE).path();
    Path right = secret("right", PASSWORD + "\n");
    Path wrong = secret("wrong", "not-" + PASSWORD + "\n");

    Cli.Result run = new Cli(db, plans).run("run", "--password-file", right.toString());
    assertThat(run.exit()).as(run.toString()).isZero();
    Cli.Result status = new Cli(db, plans).env("HAL9_DB_PASSWORD_FILE", right.toString()).run("status", "--json");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.json().at("/versions/0/state").asText()).isEqualTo("done");
    assertNoPassword(run, status);

    if (!db.isPostgres()) {
      // The test PostgreSQL trusts every local connection; an H2 file keeps the password it was created with.
      Cli.Result refused = new Cli(db, plans).run("status", "--password-file", wrong.toString());
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.errors()).singleElement().asString().startsWith("cannot connect to ").contains("Wrong user name or password");
      assertNoPassword(refused);

      // --password beats --password-file beats HAL9_DB_PASSWORD beats HAL9_DB_PASSWORD_FILE.
      assertThat(new Cli(db, plans).run("status", "--password", PASSWORD, "--password-file", wrong.toString()).exit()).isZero();
      assertThat(new Cli(db, plans).env("HAL9_DB_PASSWORD", "wrong").run("status", "--password-file", right.toString()).exit())
          .isZero();
      assertThat(new Cli(db, plans).env("HAL9_DB_PASSWORD_FILE", wrong.toString()).env("HAL9_DB_PASSWORD", PASSWORD)
          .run("status").exit()).isZero();
      assertThat(new Cli(db, plans).env("HAL9_DB_PASSWORD_FILE", wrong.toString()).run("status").exit()).isEqualTo(2);
    }
  }

  @OnBothDatabases
  void passwordFromAFileIsRedactedFromEveryErrorAndLog(TestDatabase db) throws Exception {
    // A database named like the password: the server's own message repeats it, and so does the URL.
    String url = db.isPostgres()
        ? db.url().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + PASSWORD)
        : "jdbc:h2:file:" + dir.resolve(PASSWORD) + ";IFEXISTS=TRUE";
    Path plans = Plans.in(dir.resolve("plans")).file("V1__t.yaml", TABLE).path();
    Path secret = secret("db-password", PASSWORD + "\n");

    Cli.Result text = new Cli(db, plans).raw("--url", url, "--password-file", secret.toString(), "--plans", plans.toString(), "run");
    Cli.Result json = new Cli(db, plans).env("HAL9_DB_PASSWORD_FILE", secret.toString())
        .raw("--url", url, "--plans", plans.toString(), "run", "--json");

    assertThat(text.exit()).as(text.toString()).isEqualTo(2);
    assertThat(text.errors()).singleElement().asString().startsWith("cannot connect to ").contains("***");
    assertThat(json.exit()).as(json.toString()).isEqualTo(2);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("DB_UNREACHABLE");
    assertThat(json.json().at("/error/message").asText()).contains("***");
    assertNoPassword(text, json);

    // In-process runs do not capture the log appender; a child process shows everything it writes.
    CliProcess process = CliProcess.start(dir.resolve("process"), "--url", url, "--password-file", secret.toString(),
        "--plans", plans.toString(), "run");
    assertThat(process.waitFor(Duration.ofSeconds(60))).as(process.toString()).isEqualTo(2);
    assertThat(process.stderr()).contains("cannot connect to").doesNotContain(PASSWORD);
    assertThat(process.stdout()).doesNotContain(PASSWORD);
  }

  @Test
  void missingOrUnreadablePasswordFileIsExit2NamingItBeforeConnecting() throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).file("V1__t.yaml", TABLE).path();
    Path missing = dir.resolve("missing-password");
    Cli cli = new Cli(null, plans);

    Cli.Result option = cli.raw("--url", NOWHERE, "--plans", plans.toString(), "run", "--password-file", missing.toString());
    assertThat(option.exit()).as(option.toString()).isEqualTo(2);
    assertThat(option.errors()).containsExactly(missing + ": cannot read the password file (--password-file): no such file");

    Cli.Result folder = cli.raw("--url", NOWHERE, "--plans", plans.toString(), "run", "--password-file", dir.toString(), "--json");
    assertThat(folder.exit()).as(folder.toString()).isEqualTo(2);
    JsonNode error = folder.json().at("/error");
    assertThat(error.at("/code").asText()).isEqualTo("CONFIG_UNREADABLE");
    assertThat(error.at("/exitCode").asInt()).isEqualTo(2);
    assertThat(error.at("/message").asText()).isEqualTo(dir + ": cannot read the password file (--password-file): a directory");

    Cli.Result env = new Cli(null, plans).env("HAL9_DB_PASSWORD_FILE", missing.toString())
        .raw("--url", NOWHERE, "--plans", plans.toString(), "run");
    assertThat(env.exit()).as(env.toString()).isEqualTo(2);
    assertThat(env.errors()).containsExactly(missing + ": cannot read the password file (HAL9_DB_PASSWORD_FILE): no such file");

    // A command that needs no database does not read it.
    Cli.Result lint = new Cli(null, plans).env("HAL9_DB_PASSWORD_FILE", missing.toString()).raw("config", "lint", "tools/k8s");
    assertThat(lint.exit()).as(lint.toString()).isZero();
  }

  private Path secret(String name, String content) throws Exception {
    Path file = dir.resolve("secrets").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static void assertNoPassword(Cli.Result... results) {
    for (Cli.Result result : results) {
      assertThat(result.out()).doesNotContain(PASSWORD);
      assertThat(result.err()).doesNotContain(PASSWORD);
    }
  }
}
