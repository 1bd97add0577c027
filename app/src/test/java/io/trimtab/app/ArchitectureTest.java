package io.trimtab.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering, checked on the main classes of every module (this module sees them all):
 * ps-core below the tuner, both below the Spark library, the app on top; the library carries no app
 * dependency (command line, charts, data loaders).
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.trimtab");
    // the rules below are only as good as the import: every module's classes must be in it,
    // whether Maven hands them over as directories (test) or as jars (verify)
    for (String module :
        List.of("io.trimtab.ps", "io.trimtab.tuner", "io.trimtab.spark", "io.trimtab.app")) {
      assertThat(classes.stream().map(JavaClass::getPackageName))
          .as("imported packages")
          .anyMatch(p -> p.equals(module) || p.startsWith(module + "."));
    }
  }

  @Test
  void psCore_dependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("io.trimtab.ps..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.trimtab.tuner..", "io.trimtab.spark..", "io.trimtab.app..")
        .check(classes);
  }

  @Test
  void tuner_dependsOnNeitherSparkNorApp() {
    noClasses()
        .that()
        .resideInAPackage("io.trimtab.tuner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.trimtab.spark..", "io.trimtab.app..", "org.apache.spark..")
        .check(classes);
  }

  @Test
  void sparkLibrary_dependsOnNoAppPackageNorAppDependency() {
    noClasses()
        .that()
        .resideInAPackage("io.trimtab.spark..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.trimtab.app..", "io.trimtab.bench..", "picocli..", "org.knowm..")
        .check(classes);
  }

  @Test
  void app_hasNoPackageCycles() {
    slices().matching("io.trimtab.app.(*)..").should().beFreeOfCycles().check(classes);
  }
}
