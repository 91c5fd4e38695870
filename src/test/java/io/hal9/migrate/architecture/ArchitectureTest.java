package io.hal9.migrate.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The top-level folders are layers: tools -> engine -> checkpoints, never the other way. */
@AnalyzeClasses(packages = "io.hal9.migrate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule checkpointsKnowNothingAbove = noClasses()
      .that().resideInAPackage("io.hal9.migrate.checkpoints..")
      .should().dependOnClassesThat().resideInAnyPackage("io.hal9.migrate.engine..", "io.hal9.migrate.tools..");

  @ArchTest
  static final ArchRule engineKnowsNothingOfTools = noClasses()
      .that().resideInAPackage("io.hal9.migrate.engine..")
      .should().dependOnClassesThat().resideInAPackage("io.hal9.migrate.tools..");

  @ArchTest
  static final ArchRule everyClassLivesInALayer = classes()
      .should().resideInAnyPackage("io.hal9.migrate.checkpoints..", "io.hal9.migrate.engine..", "io.hal9.migrate.tools..");
}
