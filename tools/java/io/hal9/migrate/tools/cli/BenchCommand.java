package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.bench.EmbeddingBench;
import io.hal9.migrate.tools.bench.NeuronStateBench;
import io.hal9.migrate.tools.bench.ResumeBench;
import io.hal9.migrate.tools.bench.WorkersBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks, measured side by side in one process.",
    subcommands = {BenchCommand.NeuronState.class, BenchCommand.Embedding.class, BenchCommand.Resume.class,
        BenchCommand.Workers.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing benchmark (neuron-state, embedding, resume or workers)");
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

  @Command(name = "workers", description = "A partitioned step worked by 1, 2, 4... processes in all (the runner and N-1 "
      + "workers, each the CLI in a JVM of its own), on PostgreSQL: rows/s, the speed-up over one process and where the CPU "
      + "went, for a CPU-heavy Java transform and the embedding step (in a scratch schema hal9_bench).")
  static final class Workers extends ToolCommand {
    @Option(names = "--processes", paramLabel = "N", split = ",",
        description = "Process counts to measure, 1 among them: the runner alone, then with N-1 workers (default 1,2,4).")
    List<Integer> processes = new ArrayList<>(List.of(1, 2, 4));

    @Option(names = "--partitions", paramLabel = "P", description = "The step's partitions (default 8).")
    int partitions = 8;

    @Option(names = "--state-rows", paramLabel = "N", description = "Rows of the Java transform (default 30000).")
    long stateRows = 30_000;

    @Option(names = "--embedding-rows", paramLabel = "N", description = "Rows of the embedding step (default 6000).")
    long embeddingRows = 6_000;

    @Option(names = "--model", paramLabel = "M", description = "all-minilm-l6-v2 (default) or ngram-hash.")
    String model = "all-minilm-l6-v2";

    @Override
    Map<String, Object> execute() throws Exception {
      if (!options.url.startsWith("jdbc:postgresql:")) {
        // H2 is one file served by one process's engine: its partitions have no SKIP LOCKED and one worker at a time.
        throw new Hal9MigrateException(ErrorCode.USAGE, "bench workers needs PostgreSQL (--url jdbc:postgresql:...): on H2 "
            + "one process works a partitioned step, so there are no process counts to compare");
      }
      if (processes.isEmpty() || !processes.contains(1) || processes.stream().anyMatch(n -> n < 1 || n > 64)
          || processes.stream().distinct().count() != processes.size() || partitions < 1 || stateRows < 1 || embeddingRows < 1
          || !(model.equals("ngram-hash") || model.equals("all-minilm-l6-v2"))) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "expected --processes of distinct counts in 1..64 with 1 among them, "
            + "--partitions, --state-rows and --embedding-rows >= 1 and --model all-minilm-l6-v2 or ngram-hash");
      }
      List<Integer> counts = processes.stream().sorted().toList();
      WorkersBench.Result r = new WorkersBench(options.url, options.user, options.password(), counts, partitions, stateRows,
          embeddingRows, model).run();
      out.line(String.format(Locale.ROOT, "workers on %s: %d partitions; N processes = the runner (run) and N-1 workers "
          + "(worker), each a JVM of its own; this machine has %d cores (CPU in cores busy while the step ran; rows/cpu-s: rows a"
          + " second per core the step's processes used)", r.database(),
          r.partitions(), r.cores()));
      List<Map<String, Object>> shapes = new ArrayList<>();
      for (WorkersBench.ShapeResult shape : r.shapes()) {
        out.line(String.format(Locale.ROOT, "shape %s: %s, %,d rows:", shape.shape(), shape.description(), shape.rows()));
        for (WorkersBench.Measurement m : shape.measurements()) {
          out.line(String.format(Locale.ROOT, "  %d process%s %,9.0f rows/s  %.2fx of 1 (linear %dx)  %,7.0f rows/cpu-s  CPU %s%s",
              m.processes(), m.processes() == 1 ? "  " : "es", m.rowsPerSecond(), m.speedUp(), m.processes(), m.rowsPerCpuSecond(),
              cpu(m, r.cores()),
              m.differentRows() == 0 ? "" : String.format(Locale.ROOT, "  %,d ROWS DIFFER", m.differentRows())));
        }
        WorkersBench.Measurement saturation = shape.saturation();
        out.line(String.format(Locale.ROOT, "  saturates at %d process%s: %s", saturation.processes(),
            saturation.processes() == 1 ? "" : "es", saturation.machineCpuCores() < 0 ? "machine CPU not measured"
                : String.format(Locale.ROOT, "%.2f of %d cores busy there (%s), %.2f of them outside the step's processes"
                    + " and their database sessions", saturation.machineCpuCores(), r.cores(),
                    saturation.machineCpuCores() >= 0.9 * r.cores() ? "the CPU"
                        : "not the CPU: the database's locks or the waits between batches", saturation.otherCpuCores())));
        shapes.add(shapeFields(shape));
      }
      WorkersBench.Weakest weakest = r.weakest();
      out.line(String.format(Locale.ROOT, "weakest speed-up: %.2fx (%s: %d processes over 1)", weakest.speedUp(),
          weakest.shape(), weakest.processes()));
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "workers");
      fields.put("database", r.database());
      fields.put("partitions", r.partitions());
      fields.put("cores", r.cores());
      fields.put("model", model);
      fields.put("shapes", shapes);
      fields.put("identical", r.identical());
      Map<String, Object> weakestFields = new LinkedHashMap<>();
      weakestFields.put("shape", weakest.shape());
      weakestFields.put("processes", weakest.processes());
      weakestFields.put("speedUp", weakest.speedUp());
      fields.put("weakest", weakestFields);
      if (!r.identical()) {
        throw new CheckFailed(ToolCode.INTERNAL, "a process count's results differ from the one process's", List.of(), fields);
      }
      return fields;
    }

    /** The machine's cores busy, then each process's, their database sessions' (when it runs here) and the rest's. */
    private static String cpu(WorkersBench.Measurement m, int cores) {
      StringBuilder text = new StringBuilder(m.machineCpuCores() < 0 ? "machine n/a"
          : String.format(Locale.ROOT, "%.2f/%d:", m.machineCpuCores(), cores));
      for (WorkersBench.Share share : m.shares()) {
        text.append(String.format(Locale.ROOT, " %s %.2f (%d part%s)", share.role(), share.cpuCores(), share.partitions(),
            share.partitions() == 1 ? "" : "s"));
      }
      if (m.databaseCpuCores() >= 0) {
        text.append(String.format(Locale.ROOT, ", database %.2f", m.databaseCpuCores()));
      }
      return m.machineCpuCores() < 0 ? text.toString() : text.append(String.format(Locale.ROOT, ", rest %.2f", m.otherCpuCores())).toString();
    }

    private static Map<String, Object> shapeFields(WorkersBench.ShapeResult shape) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("shape", shape.shape());
      fields.put("description", shape.description());
      fields.put("rows", shape.rows());
      List<Map<String, Object>> measurements = new ArrayList<>();
      for (WorkersBench.Measurement m : shape.measurements()) {
        Map<String, Object> measurement = new LinkedHashMap<>();
        measurement.put("processes", m.processes());
        measurement.put("seconds", m.seconds());
        measurement.put("rowsPerSecond", m.rowsPerSecond());
        measurement.put("speedUp", m.speedUp());
        measurement.put("rowsPerCpuSecond", m.rowsPerCpuSecond());
        measurement.put("differentRows", m.differentRows());
        measurement.put("machineCpuCores", m.machineCpuCores());
        measurement.put("databaseCpuCores", m.databaseCpuCores());
        measurement.put("otherCpuCores", m.otherCpuCores());
        List<Map<String, Object>> processes = new ArrayList<>();
        for (WorkersBench.Share share : m.shares()) {
          Map<String, Object> process = new LinkedHashMap<>();
          process.put("role", share.role());
          process.put("pid", share.pid());
          process.put("partitions", share.partitions());
          process.put("rows", share.rows());
          process.put("cpuCores", share.cpuCores());
          processes.add(process);
        }
        measurement.put("perProcess", processes);
        measurements.add(measurement);
      }
      fields.put("measurements", measurements);
      fields.put("saturatesAt", shape.saturation().processes());
      return fields;
    }
  }
}
