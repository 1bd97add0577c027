package io.trimtab.spark;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.trimtab.spark.train.FitSummary;
import io.trimtab.spark.train.Fitted;
import io.trimtab.spark.train.ModelPlacement;
import io.trimtab.spark.train.TableLayout;
import io.trimtab.spark.train.Trainer;
import io.trimtab.spark.train.TrainingHooks;
import io.trimtab.spark.train.TrainingSpec;

/**
 * The package structure of the Spark integration's main code: public stages ({@code ml}) on top of
 * the training engine ({@code train}), which uses the tuning glue ({@code tune}), the objectives
 * ({@code objective}), the parameter server's handle (this package) and the plugin. (The app, its
 * data sets and charts are the module above, checked by the app's own ArchitectureTest.)
 */
@AnalyzeClasses(packages = "io.trimtab.spark", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles =
      slices().matching("io.trimtab.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule rootPackageIsFreeOfCyclesWithItsSubpackages =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.trimtab.spark.plugin",
              "io.trimtab.spark.checkpoint",
              "io.trimtab.spark.objective")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.trimtab.spark");

  @ArchTest
  static final ArchRule stagesReachTheEngineOnlyThroughItsEntryPoint =
      noClasses()
          .that()
          .resideInAPackage("io.trimtab.spark.ml")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.trimtab.spark.train")
                  .and(
                      not(
                          belongToAnyOf(
                              Trainer.class,
                              TrainingSpec.class,
                              TableLayout.class,
                              ModelPlacement.class,
                              TrainingHooks.class,
                              Fitted.class,
                              FitSummary.class))));

  @ArchTest
  static final ArchRule objectivesKnowNothingOfTrainingOrStages =
      noClasses()
          .that()
          .resideInAPackage("io.trimtab.spark.objective")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.trimtab.spark.ml", "io.trimtab.spark.train", "io.trimtab.spark.tune");
}
