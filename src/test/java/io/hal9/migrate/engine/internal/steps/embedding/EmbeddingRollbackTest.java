package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.duplicates;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.labelled;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.vectors;
import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-embedding from ngram-hash (V3) to all-MiniLM-L6-v2 (V4), on 40 labels so the real model stays quick:
 * keep-previous keeps the old model's vectors and rollback removes only the new model's; without keep-previous
 * the old vectors go and rollback is refused before anything changes.
 */
class EmbeddingRollbackTest {
  private static final long WITH_TEXT = 41; // 40 labels and the label 42

  @TempDir Path dir;

  @OnBothDatabases
  void keepPreviousKeepsTheOldModelAndRollbackRemovesOnlyTheNewOne(TestDatabase db) throws Exception {
    Plans plans = embedding(labelled(dir, 40, 40), "3", "embed-ngram", "model: ngram-hash\ndimensions: 32");
    embedding(plans, "4", "embed-minilm", "model: all-minilm-l6-v2\nkeep-previous: true\nbatch-size: 16");
    Cli cli = new Cli(db, plans.path());
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(vectors(db, "ngram-hash")).isEqualTo(WITH_TEXT);
    assertThat(vectors(db, "all-minilm-l6-v2")).isEqualTo(WITH_TEXT);
    assertThat(db.queryLong("SELECT min(dim) FROM neuron_embeddings WHERE model = 'all-minilm-l6-v2'")).isEqualTo(384);

    Cli.Result rollback = cli.run("rollback", "--to", "3");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(vectors(db, "all-minilm-l6-v2")).isZero();
    assertThat(vectors(db, "ngram-hash")).isEqualTo(WITH_TEXT);
    assertThat(cli.run("status", "--json").json().at("/versions/3/state").asText()).isEqualTo("rolled_back");

    // Applied again: one vector per neuron and model, not two.
    assertThat(cli.run("run").exit()).isZero();
    assertThat(vectors(db, "all-minilm-l6-v2")).isEqualTo(WITH_TEXT);
    assertThat(duplicates(db)).isZero();

    // Down to V2: both models' vectors gone, in reverse order.
    assertThat(cli.run("rollback", "--to", "2").exit()).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM neuron_embeddings")).isZero();
  }

  @OnBothDatabases
  void withoutKeepPreviousTheOldVectorsGoAndRollbackIsRefused(TestDatabase db) throws Exception {
    Plans plans = embedding(labelled(dir, 40, 40), "3", "embed-ngram", "model: ngram-hash\ndimensions: 32");
    embedding(plans, "4", "embed-minilm", "model: all-minilm-l6-v2\nkeep-previous: false\nbatch-size: 16");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run").exit()).isZero();
    assertThat(vectors(db, "all-minilm-l6-v2")).isEqualTo(WITH_TEXT);
    assertThat(vectors(db, "ngram-hash")).isZero();

    Cli.Result rollback = cli.run("rollback", "--to", "3");
    assertThat(rollback.exit()).as(rollback.toString()).isNotZero();
    assertThat(rollback.err()).contains("embed-minilm").contains("has no undo");
    assertThat(vectors(db, "all-minilm-l6-v2")).isEqualTo(WITH_TEXT);
  }
}
