package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.bench.EmbeddingBench;
import io.hal9.migrate.tools.bench.NeuronStateBench;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks, measured side by side in one process.",
    subcommands = {BenchCommand.NeuronState.class, BenchCommand.Embedding.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing benchmark (neuron-state or embedding)");
  }

  @Command(name = "neuron-state",
      description = "The neuron-state step against a plain JDBC keyset loop on identical data (in a scratch schema hal9_bench).")
  static final class NeuronState extends ToolCommand {
    @Option(names = "--rows", paramLabel = "N", description = "Rows in each table (default 100000).")
    long rows = 100_000;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per batch for both (default 1000).")
    int batchSize = 1000;

    @Option(names = "--snapshot", paramLabel = "true|false", arity = "1", description = "Keep per-row snapshots (default false).")
    boolean snapshot;

    @Override
    Map<String, Object> execute() throws Exception {
      NeuronStateBench.Result r = new NeuronStateBench(options.url, options.user, options.password(), rows, batchSize, snapshot).run();
      out.line(String.format(Locale.ROOT, "neuron-state on %s: %,d rows, batch %d, snapshot %s", r.database(), r.rows(),
          r.batchSize(), r.snapshot() ? "on" : "off"));
      out.line(String.format(Locale.ROOT, "  plain JDBC loop  %,10.0f rows/s  %7.2f s  peak heap %4d MB", r.plain().rowsPerSecond(),
          r.plain().seconds(), r.plain().peakHeapBytes() >> 20));
      out.line(String.format(Locale.ROOT, "  engine step      %,10.0f rows/s  %7.2f s  peak heap %4d MB", r.engine().rowsPerSecond(),
          r.engine().seconds(), r.engine().peakHeapBytes() >> 20));
      out.line(String.format(Locale.ROOT, "  ratio engine/plain %.2fx; checkpoint transaction p50 %.1f ms, p99 %.1f ms (%d batches)",
          r.ratio(), r.transactionP50Millis(), r.transactionP99Millis(), r.transactions()));
      out.line("  results identical row for row: " + (r.identical() ? "yes" : "NO"));
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "neuron-state");
      fields.put("database", r.database());
      fields.put("rows", r.rows());
      fields.put("batchSize", r.batchSize());
      fields.put("snapshot", r.snapshot());
      fields.put("plain", phase(r.plain()));
      fields.put("engine", phase(r.engine()));
      fields.put("ratio", r.ratio());
      fields.put("checkpointTransactionP50Ms", r.transactionP50Millis());
      fields.put("checkpointTransactionP99Ms", r.transactionP99Millis());
      fields.put("identical", r.identical());
      if (!r.identical()) {
        throw new CheckFailed(ToolCode.INTERNAL, "the engine's results differ from the plain loop's", List.of(), fields);
      }
      return fields;
    }

    private static Map<String, Object> phase(NeuronStateBench.Phase phase) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("rowsPerSecond", phase.rowsPerSecond());
      fields.put("seconds", phase.seconds());
      fields.put("peakHeapBytes", phase.peakHeapBytes());
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
      return fields;
    }
  }
}
