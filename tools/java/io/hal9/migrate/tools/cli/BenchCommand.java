package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.bench.EmbeddingBench;
import io.hal9.migrate.tools.bench.NeuronStateBench;
import io.hal9.migrate.tools.bench.ResumeBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks, measured side by side in one process.",
    subcommands = {BenchCommand.NeuronState.class, BenchCommand.Embedding.class, BenchCommand.Resume.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing benchmark (neuron-state, embedding or resume)");
  }

  @Command(name = "neuron-state", description = "The neuron-state step, snapshots off and on, against a hand-written "
      + "JDBC loop and (PostgreSQL) hand-written SQL, on copies of one seeded table (in a scratch schema hal9_bench).")
  static final class NeuronState extends ToolCommand {
    @Option(names = "--rows", paramLabel = "N", description = "Rows in the table (default 100000).")
    long rows = 100_000;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per batch for the engine and the loop (default 1000).")
    int batchSize = 1000;

    @Option(names = "--rounds", paramLabel = "R", description = "Runs of each contender; medians are reported (default 3).")
    int rounds = 3;

    @Option(names = "--step", paramLabel = "FILE",
        description = "A neuron-state step (its ops) to measure instead of the light and demo shapes; repeatable.")
    List<Path> steps = new ArrayList<>();

    @Override
    Map<String, Object> execute() throws Exception {
      if (rows < 1 || rounds < 1 || batchSize < 1 || batchSize > 100_000) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "expected --rows >= 1, --rounds >= 1 and --batch-size in 1..100000");
      }
      List<NeuronStateBench.Shape> shapes = new ArrayList<>();
      for (Path step : steps) {
        try {
          shapes.add(NeuronStateBench.Shape.fromStepFile(step));
        } catch (java.io.IOException | IllegalArgumentException e) {
          throw new Hal9MigrateException(ErrorCode.USAGE, "--step " + step + ": " + Hal9MigrateException.oneLine(e.getMessage()));
        }
      }
      NeuronStateBench.Result r = new NeuronStateBench(options.url, options.user, options.password(), rows, batchSize, rounds,
          shapes).run();
      out.line(String.format(Locale.ROOT, "neuron-state on %s: %,d rows, batch %d, medians of %d round(s)", r.database(), r.rows(),
          r.batchSize(), r.rounds()));
      List<Map<String, Object>> shapeFields = new ArrayList<>();
      for (NeuronStateBench.ShapeResult shape : r.shapes()) {
        out.line("shape " + shape.shape() + ":");
        for (NeuronStateBench.Contender c : shape.contenders()) {
          out.line(String.format(Locale.ROOT, "  %-22s %,10.0f rows/s  peak heap %4d MB%s", c.name(), c.rowsPerSecond(),
              c.peakHeapBytes() >> 20, differences(shape, c.name())));
        }
        for (NeuronStateBench.Ratio ratio : shape.ratios()) {
          out.line(String.format(Locale.ROOT, "  %-22s %.2fx %s", ratio.of(), ratio.value(), ratio.to()));
        }
        shapeFields.add(shapeFields(shape));
      }
      NeuronStateBench.Ratio weakest = r.weakest();
      out.line(String.format(Locale.ROOT, "weakest ratio: %.2fx (%s: %s / %s)", weakest.value(), weakest.shape(), weakest.of(),
          weakest.to()));
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "neuron-state");
      fields.put("database", r.database());
      fields.put("rows", r.rows());
      fields.put("batchSize", r.batchSize());
      fields.put("rounds", r.rounds());
      fields.put("shapes", shapeFields);
      fields.put("identical", r.identical());
      fields.put("weakest", ratioFields(weakest));
      if (!r.identical()) {
        throw new CheckFailed(ToolCode.INTERNAL, "a contender's results differ from the engine's", List.of(), fields);
      }
      return fields;
    }

    private static String differences(NeuronStateBench.ShapeResult shape, String contender) {
      Long n = shape.differences().get(contender);
      return n == null ? "" : n == 0 ? "  same rows as the engine" : String.format(Locale.ROOT, "  %,d ROWS DIFFER", n);
    }

    private static Map<String, Object> shapeFields(NeuronStateBench.ShapeResult shape) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("shape", shape.shape());
      List<Map<String, Object>> contenders = new ArrayList<>();
      for (NeuronStateBench.Contender c : shape.contenders()) {
        Map<String, Object> contender = new LinkedHashMap<>();
        contender.put("name", c.name());
        contender.put("rowsPerSecond", c.rowsPerSecond());
        contender.put("rounds", c.rounds());
        contender.put("peakHeapBytes", c.peakHeapBytes());
        contender.put("differentRows", shape.differences().get(c.name()));
        contenders.add(contender);
      }
      fields.put("contenders", contenders);
      fields.put("ratios", shape.ratios().stream().map(NeuronState::ratioFields).toList());
      return fields;
    }

    private static Map<String, Object> ratioFields(NeuronStateBench.Ratio ratio) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("shape", ratio.shape());
      fields.put("engine", ratio.of());
      fields.put("baseline", ratio.to());
      fields.put("ratio", ratio.value());
      return fields;
    }
  }

  @Command(name = "embedding",
      description = "The embedding step over neurons whose labels repeat at a given fraction (in a scratch schema hal9_bench).")
  static final class Embedding extends ToolCommand {
    @Option(names = "--rows", paramLabel = "N", description = "Neurons to embed (default 100000).")
    long rows = 100_000;

    @Option(names = "--model", paramLabel = "M", required = true, description = "all-minilm-l6-v2 or ngram-hash.")
    String model;

    @Option(names = "--duplicates", paramLabel = "FRACTION", description = "Share of rows repeating an earlier label (default 0.4).")
    double duplicates = 0.4;

    @Option(names = "--cache-size", paramLabel = "N", description = "Cache entries (default: --rows, room for every label).")
    Long cacheSize;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per batch (default 256).")
    int batchSize = 256;

    @Override
    Map<String, Object> execute() throws Exception {
      if (duplicates < 0 || duplicates >= 1 || rows < 1 || batchSize < 1 || batchSize > 10_000
          || !(model.equals("ngram-hash") || model.equals("all-minilm-l6-v2"))) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "expected --rows >= 1, --duplicates in [0, 1), "
            + "--batch-size in 1..10000 and --model all-minilm-l6-v2 or ngram-hash");
      }
      EmbeddingBench.Result r = new EmbeddingBench(options.url, options.user, options.password(), rows, model, duplicates,
          cacheSize == null ? rows : cacheSize, batchSize).run();
      out.line(String.format(Locale.ROOT, "embedding on %s: %,d rows, model %s, %,d distinct labels (duplicates %.2f), batch %d",
          r.database(), r.rows(), r.model(), r.distinctLabels(), duplicates, batchSize));
      out.line(String.format(Locale.ROOT, "  texts embedded   %,10.0f texts/s  (%,d texts, cache misses)", r.textsPerSecond(), r.textsEmbedded()));
      out.line(String.format(Locale.ROOT, "  rows written     %,10.0f rows/s   (%,d rows in %.2f s, verification included)",
          r.rowsPerSecond(), r.embedded(), r.seconds()));
      out.line(String.format(Locale.ROOT, "  cache hit rate   %.4f  (%,d evictions)", r.cacheHitRate(), r.cacheEvictions()));
      out.line(String.format(Locale.ROOT, "  peak heap        %d MB", r.peakHeapBytes() >> 20));
      out.line(String.format(Locale.ROOT, "  bare model loop  %,10.0f texts/s  (the %,d labels in batches of %d, no database)",
          r.bareModelTextsPerSecond(), r.distinctLabels(), batchSize));
      out.line(String.format(Locale.ROOT, "ratio step/bare model: %.2fx", r.ratioToBareModel()));
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "embedding");
      fields.put("database", r.database());
      fields.put("model", r.model());
      fields.put("rows", r.rows());
      fields.put("distinctLabels", r.distinctLabels());
      fields.put("duplicates", duplicates);
      fields.put("batchSize", batchSize);
      fields.put("seconds", r.seconds());
      fields.put("textsPerSecond", r.textsPerSecond());
      fields.put("rowsPerSecond", r.rowsPerSecond());
      fields.put("cacheHitRate", r.cacheHitRate());
      fields.put("cacheEvictions", r.cacheEvictions());
      fields.put("peakHeapBytes", r.peakHeapBytes());
      fields.put("bareModelTextsPerSecond", r.bareModelTextsPerSecond());
      fields.put("ratioToBareModel", r.ratioToBareModel());
      return fields;
    }
  }

  @Command(name = "resume", description = "A neuron-state step run by the CLI as a child process, killed (-9) at given "
      + "shares of its rows and started again: the time from each restart to its first committed batch.")
  static final class Resume extends ToolCommand {
    @Option(names = "--rows", paramLabel = "N", description = "Rows in the table (default 1000000).")
    long rows = 1_000_000;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per batch (default 1000).")
    int batchSize = 1000;

    @Option(names = "--at", paramLabel = "SHARE", split = ",",
        description = "Shares of the rows committed at which to kill, in order (default 0.1,0.9).")
    List<Double> shares = new ArrayList<>(List.of(0.1, 0.9));

    @Override
    Map<String, Object> execute() throws Exception {
      double previous = 0;
      for (double share : shares) {
        if (share <= previous || share >= 1) {
          throw new Hal9MigrateException(ErrorCode.USAGE, "expected --at shares rising within (0, 1), got " + shares);
        }
        previous = share;
      }
      if (rows < 1000 || batchSize < 1 || batchSize > 100_000) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "expected --rows >= 1000 and --batch-size in 1..100000");
      }
      ResumeBench.Result r = new ResumeBench(options.url, options.user, options.password(), rows, batchSize, shares).run();
      out.line(String.format(Locale.ROOT, "resume on %s: %,d rows, batch %d, the CLI in a process of its own", r.database(),
          r.rows(), r.batchSize()));
      out.line(String.format(Locale.ROOT, "  CLI start to exit (--version)   %.2f s", r.jvmStartSeconds()));
      List<Map<String, Object>> kills = new ArrayList<>();
      for (ResumeBench.Kill kill : r.kills()) {
        out.line(String.format(Locale.ROOT, "  killed at %3.0f%% (%,d rows)      first batch %.2f s after the restart, %.2f s after"
            + " the CLI's own start", kill.share() * 100, kill.rowsCommitted(), kill.secondsToFirstBatch(),
            kill.secondsToFirstBatch() - r.jvmStartSeconds()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("share", kill.share());
        fields.put("rowsCommitted", kill.rowsCommitted());
        fields.put("secondsToFirstBatch", kill.secondsToFirstBatch());
        fields.put("secondsAfterCliStart", kill.secondsToFirstBatch() - r.jvmStartSeconds());
        kills.add(fields);
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "resume");
      fields.put("database", r.database());
      fields.put("rows", r.rows());
      fields.put("batchSize", r.batchSize());
      fields.put("cliStartSeconds", r.jvmStartSeconds());
      fields.put("kills", kills);
      return fields;
    }
  }
}
