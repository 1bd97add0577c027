package io.trimtab.tuner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.trimtab.tuner.archfixture.UsesSpark;
import io.trimtab.tuner.archfixture.UsesThreadsAndFiles;
import io.trimtab.tuner.archfixture.cycle.a.A;
import io.trimtab.tuner.archfixture.cycle.b.B;
import org.junit.jupiter.api.Test;

/**
 * The tuner's architecture: a pure policy (observations in, decisions out) whose packages form no
 * cycle and which reaches neither Spark nor threads nor I/O. Each rule is also run on a fixture
 * that breaks it (test sources {@code archfixture}), so a rule that can never fail is caught.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.trimtab.tuner");

  /** Every package of the tuner is a slice of its own, the root package included. */
  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          return c.getPackageName().startsWith("io.trimtab.tuner")
              ? SliceIdentifier.of(c.getPackageName())
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "packages of io.trimtab.tuner";
        }
      };

  static final ArchRule NO_PACKAGE_CYCLES =
      slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

  static final ArchRule NO_SPARK_OR_SCALA =
      noClasses()
          .that()
          .resideInAPackage("io.trimtab.tuner..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.spark..", "scala..", "io.trimtab.spark..");

  static final ArchRule NO_THREADS_OR_IO =
      noClasses()
          .that()
          .resideInAPackage("io.trimtab.tuner..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.net..", "java.util.concurrent..", "java.nio.file..")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.File.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.InputStream.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.OutputStream.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.Reader.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.Writer.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.io.RandomAccessFile.class);

  @Test
  void mainCode_hasNoPackageCycles() {
    NO_PACKAGE_CYCLES.check(MAIN);
  }

  @Test
  void mainCode_dependsOnNoSparkScalaOrSparkIntegration() {
    NO_SPARK_OR_SCALA.check(MAIN);
  }

  @Test
  void mainCode_usesNoThreadsOrIo() {
    NO_THREADS_OR_IO.check(MAIN);
  }

  @Test
  void mainCode_isImported() {
    assertThat(MAIN.contain(Tuner.class)).isTrue();
    assertThat(MAIN.contain(io.trimtab.tuner.progress.JobProgress.class)).isTrue();
    assertThat(MAIN.contain(io.trimtab.tuner.search.GaussianProcess.class)).isTrue();
  }

  @Test
  void packageCycleRule_failsOnACycle() {
    JavaClasses cycle = new ClassFileImporter().importClasses(A.class, B.class);
    assertThat(NO_PACKAGE_CYCLES.evaluate(cycle).hasViolation()).isTrue();
  }

  @Test
  void sparkRule_failsOnASparkDependency() {
    JavaClasses spark = new ClassFileImporter().importClasses(UsesSpark.class);
    assertThat(NO_SPARK_OR_SCALA.evaluate(spark).hasViolation()).isTrue();
  }

  @Test
  void threadsOrIoRule_failsOnThreadsAndFiles() {
    JavaClasses io = new ClassFileImporter().importClasses(UsesThreadsAndFiles.class);
    assertThat(NO_THREADS_OR_IO.evaluate(io).hasViolation()).isTrue();
  }
}
