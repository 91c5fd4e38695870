package io.hal9.migrate;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.FailureCode;
import io.hal9.migrate.tools.ToolCode;
import java.util.Arrays;
import java.util.List;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/**
 * The top-level folders are layers, tools -> engine -> checkpoints, never the other way; inside the engine, the
 * public face ({@code api}, {@code spi}) is small and steps reach the database only through the step SPI.
 */
@AnalyzeClasses(packages = "io.hal9.migrate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String CHECKPOINTS = "io.hal9.migrate.checkpoints..";
  private static final String INTERNAL = "io.hal9.migrate.engine.internal..";

  @ArchTest
  static final ArchRule checkpointsKnowNothingAbove = noClasses()
      .that().resideInAPackage(CHECKPOINTS)
      .should().dependOnClassesThat().resideInAnyPackage("io.hal9.migrate.engine..", "io.hal9.migrate.tools..");

  @ArchTest
  static final ArchRule engineKnowsNothingOfTools = noClasses()
      .that().resideInAPackage("io.hal9.migrate.engine..")
      .should().dependOnClassesThat().resideInAPackage("io.hal9.migrate.tools..");

  @ArchTest
  static final ArchRule everyClassLivesInALayer = classes()
      .should().resideInAnyPackage(CHECKPOINTS, "io.hal9.migrate.engine..", "io.hal9.migrate.tools..");

  /** The bench alone measures the engine's internals against their baselines (the bare transform, the JSON binding). */
  @ArchTest
  static final ArchRule toolsUseTheEngineThroughItsApiAndSpi = noClasses()
      .that().resideInAPackage("io.hal9.migrate.tools..").and().resideOutsideOfPackage("io.hal9.migrate.tools.bench..")
      .should().dependOnClassesThat().resideInAnyPackage(INTERNAL, CHECKPOINTS);

  @ArchTest
  static final ArchRule stepsTouchNoCheckpointTables = noClasses()
      .that().resideInAnyPackage("io.hal9.migrate.engine.internal.steps..", "io.hal9.migrate.engine.spi..",
          "io.hal9.migrate.tools..")
      .should().dependOnClassesThat().resideInAPackage(CHECKPOINTS);

  /** A step sees the run only through its StepContext, not the commands that drive it. */
  @ArchTest
  static final ArchRule stepsDoNotReachIntoTheCommands = noClasses()
      .that().resideInAnyPackage("io.hal9.migrate.engine.internal.steps..", "io.hal9.migrate.engine.spi..")
      .should().dependOnClassesThat().resideInAPackage("io.hal9.migrate.engine.internal.command..");

  @ArchTest
  static final ArchRule thePublicFaceShowsNoCheckpointTypes = noMethods()
      .that().arePublic().and().areDeclaredInClassesThat().resideInAnyPackage("io.hal9.migrate.engine.api..",
          "io.hal9.migrate.engine.spi..")
      .should().haveRawReturnType(resideInAPackage(CHECKPOINTS))
      .orShould().haveRawParameterTypes(anyElementThat(resideInAPackage(CHECKPOINTS)))
      .orShould().haveRawReturnType(resideInAPackage(INTERNAL))
      .orShould().haveRawParameterTypes(anyElementThat(resideInAPackage(INTERNAL)));

  /** What differs between H2 and PostgreSQL lives in one strategy per database, not in branches. */
  @ArchTest
  static final ArchRule databaseDifferencesLiveInTheirStrategy = noClasses()
      .that().resideOutsideOfPackages("io.hal9.migrate.engine.internal.database..", CHECKPOINTS, "io.hal9.migrate.tools.bench..")
      .should().accessField(SQLDialect.class, "POSTGRES")
      .orShould().accessField(SQLDialect.class, "H2");

  @ArchTest
  static final ArchRule failureCodesAreTheEnginesOrTheTools = classes()
      .that().implement(FailureCode.class)
      .should().resideInAnyPackage("io.hal9.migrate.engine.api", "io.hal9.migrate.tools..");

  @Test
  void theEnginesCodesNameNoToolsFailure() {
    List<String> engine = Arrays.stream(ErrorCode.values()).map(Enum::name).toList();
    assertThat(Arrays.stream(ToolCode.values()).map(Enum::name)).doesNotContainAnyElementsOf(engine);
  }

  /** Adding to the public face is a decision: this list changes with it. */
  @Test
  void thePublicApiIsTheseTypes() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.hal9.migrate.engine.api", "io.hal9.migrate.engine.spi");
    List<String> published = classes.stream()
        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.isTopLevelClass())
        .map(JavaClass::getName).map(n -> n.substring("io.hal9.migrate.engine.".length())).sorted().toList();
    assertThat(published).containsExactly(
        "api.Checkpoints", "api.Configuration", "api.DataSources", "api.ErrorCode", "api.Event", "api.FailureCode", "api.Hal9Migrate",
        "api.Hal9MigrateException", "api.HistoryLine", "api.LockInfo", "api.MigrateResult", "api.ProgressListener",
        "api.RepairResult", "api.RollbackResult", "api.Routing", "api.RoutingChange", "api.Secrets", "api.Status", "api.StepOutcome", "api.StepState",
        "api.VersionState", "api.WorkResult",
        "spi.Batch", "spi.InvalidNeuronException", "spi.LocatedYaml", "spi.Neuron", "spi.NeuronTransform", "spi.Param",
        "spi.PlanProblem", "spi.Problems", "spi.PrometheusQuery", "spi.Reject", "spi.Rejects", "spi.Snapshot", "spi.Snapshots", "spi.Step",
        "spi.StepContext", "spi.StepDefinition", "spi.StepFile", "spi.StepPreview", "spi.StepType",
        "spi.tables.BatchedTable", "spi.tables.Catalog", "spi.tables.Column", "spi.tables.ColumnType", "spi.tables.Identifier", "spi.tables.Keyset",
        "spi.tables.RowKey", "spi.tables.SqlNames", "spi.tables.UserTable");
  }
}
