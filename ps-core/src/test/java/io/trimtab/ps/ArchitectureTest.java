package io.trimtab.ps;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of ps-core: its packages form no cycle (the public API package {@code io.trimtab.ps}
 * included), and it stays free of Spark, Scala and the modules built on it.
 */
@AnalyzeClasses(packages = "io.trimtab.ps", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** One slice per package: io.trimtab.ps, io.trimtab.ps.server, io.trimtab.ps.client, ... */
  @ArchTest
  static final ArchRule packagesFormNoCycle =
      slices().matching("io.trimtab.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noSparkScalaOrUpperModules =
      noClasses()
          .that()
          .resideInAPackage("io.trimtab.ps..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.spark..", "scala..", "io.trimtab.tuner..", "io.trimtab.spark..");
}
