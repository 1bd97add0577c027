package io.trimtab.spark.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.spark.sql.SparkSession;
import scala.Console;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Runs Zeppelin notes for real, without Zeppelin: every {@code %spark} paragraph in one shared
 * Scala interpreter, the one behind spark-shell ({@code IMain} with class-based wrappers, whose
 * classes executors load from the driver), every {@code %java} paragraph compiled with {@code
 * javax.tools} and its {@code main} run, as Zeppelin's Java interpreter does; {@code %md}
 * paragraphs are skipped, and any other interpreter fails the note.
 *
 * <p>Order of use, which matters for Spark: {@link #start} (sets the calling thread's context class
 * loader to the interpreter's), then create the SparkSession with {@link #sparkSettings()}, then
 * {@link #bindSpark}, then {@link #run} each note. Without a session, {@code %spark} paragraphs
 * that need none and {@code %java} paragraphs still run.
 *
 * <p>A {@code %spark} paragraph is one {@code interpret} call, as in Zeppelin's Spark interpreter,
 * so the REPL's rules for one input hold: a case class used in a Dataset must come from an earlier
 * paragraph (Spark's encoders need its paragraph's wrapper to be constructed), and best from a
 * paragraph of its own (an executor that loads it runs that paragraph's code again). As in
 * Zeppelin's default (shared) interpreter mode, notes run one after another see each other's Scala
 * definitions; a later definition shadows an earlier one of the same name.
 *
 * <p>{@code %java} paragraphs: the source must declare one {@code public class} with {@code public
 * static void main(String[])}. Unless it declares a package, it is compiled into a fresh package
 * {@code notebook.javaN}, into the interpreter's class directory, so that executors load its
 * classes (lambdas passed to Spark, say) from the driver as they do the Scala ones.
 *
 * <p>Thread safety: confined to the thread that started it.
 */
public final class NotebookRunner implements AutoCloseable {
  /** The Spark setting through which executors fetch the interpreter's classes from the driver. */
  public static final String REPL_CLASS_DIR = "spark.repl.class.outputDir";

  private static final Pattern PUBLIC_CLASS =
      Pattern.compile("\\bpublic\\s+(?:final\\s+)?class\\s+(\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");

  private final Path classDir;
  private final String classPath;
  private final Capture capture;
  private final PrintStream paragraphOut;
  private final PrintWriter interpreterOut;
  private final IMain scala;
  private final Thread owner;
  private final ClassLoader previousContextLoader;
  private int javaParagraphs;

  private NotebookRunner(Path classDir, String classPath) {
    this.classDir = classDir.toAbsolutePath();
    this.classPath = classPath;
    this.capture = new Capture(System.out);
    this.paragraphOut = new PrintStream(capture, true, StandardCharsets.UTF_8);
    this.interpreterOut =
        new PrintWriter(new OutputStreamWriter(capture, StandardCharsets.UTF_8), true);
    this.owner = Thread.currentThread();
    this.previousContextLoader = owner.getContextClassLoader();
    try {
      Files.createDirectories(this.classDir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the interpreter's class directory " + this.classDir + ": " + e, e);
    }
    Settings settings =
        new Settings(
            message -> {
              paragraphOut.println(message);
              return BoxedUnit.UNIT;
            });
    List<String> args =
        List.of(
            "-Yrepl-class-based",
            "-Yrepl-outdir",
            this.classDir.toString(),
            "-classpath",
            classPath);
    scala.Tuple2<Object, scala.collection.immutable.List<String>> parsed =
        settings.processArguments(JavaConverters.asScalaBuffer(args).toList(), true);
    if (!(Boolean) parsed._1() || !parsed._2().isEmpty()) {
      throw new IllegalArgumentException(
          "The Scala interpreter rejected its settings " + args + ": " + capture.take());
    }
    scala = new IMain(settings, interpreterOut);
    try {
      scala.initializeSynchronous();
      if (scala.quietRun("()") != Results.Success$.MODULE$) {
        interpreterOut.flush();
        throw new IllegalStateException(
            "The Scala interpreter did not start (class path of "
                + classPath.split(java.io.File.pathSeparator).length
                + " entries): "
                + capture.take());
      }
      // Spark's serializers and the closure cleaner find the interpreter's classes through this
      // loader
      owner.setContextClassLoader(scala.classLoader());
    } catch (RuntimeException | Error e) {
      scala.close();
      throw e;
    }
    capture.take();
  }

  /**
   * Starts the Scala interpreter and makes its class loader the calling thread's context class
   * loader (restored by {@link #close}); create the SparkSession after this, on this thread.
   *
   * @param classDir where the interpreter writes the classes it compiles (created if missing; best
   *     empty, since executors load classes from there by name)
   * @param classPath the class path paragraphs compile against (the test class path)
   * @throws IllegalStateException with the interpreter's output if it cannot start
   */
  public static NotebookRunner start(Path classDir, String classPath) {
    return new NotebookRunner(classDir, classPath);
  }

  /** The settings the SparkSession needs so that executors load the paragraphs' classes. */
  public Map<String, String> sparkSettings() {
    return Map.of(REPL_CLASS_DIR, classDir.toString());
  }

  /**
   * Binds {@code spark} and {@code sc} and imports what spark-shell imports ({@code
   * spark.implicits._}, {@code spark.sql}, {@code org.apache.spark.sql.functions._}).
   *
   * @throws IllegalStateException if the session lacks {@link #sparkSettings()}, or binding fails
   */
  public void bindSpark(SparkSession spark) {
    String dir = spark.sparkContext().getConf().get(REPL_CLASS_DIR, "");
    if (!dir.equals(classDir.toString())) {
      throw new IllegalStateException(
          "The SparkSession has "
              + REPL_CLASS_DIR
              + "="
              + dir
              + ", expected "
              + classDir
              + ": create it after start(), with sparkSettings(), or executors cannot load the paragraphs' classes");
    }
    scala.collection.immutable.List<String> transientVal =
        JavaConverters.asScalaBuffer(List.of("@transient")).toList();
    requireQuiet(
        scala.bind("spark", SparkSession.class.getName(), spark, transientVal), "binding spark");
    requireQuiet(
        scala.bind(
            "sc",
            org.apache.spark.SparkContext.class.getName(),
            spark.sparkContext(),
            transientVal),
        "binding sc");
    requireQuiet(
        scala.interpret(
            "import org.apache.spark.SparkContext._\nimport spark.implicits._\n"
                + "import spark.sql\nimport org.apache.spark.sql.functions._"),
        "importing spark.implicits._");
  }

  /**
   * Runs the note's paragraphs in order, stopping at the first that fails. Never throws for a
   * failing paragraph: see {@link NoteRun#requireSuccess()}.
   */
  public NoteRun run(ZeppelinNote note) {
    checkThread();
    long start = System.nanoTime();
    List<ParagraphRun> runs = new ArrayList<>();
    for (ZeppelinNote.Paragraph p : note.paragraphs()) {
      long t0 = System.nanoTime();
      capture.take();
      Outcome outcome =
          switch (p.interpreter()) {
            case "md" -> Outcome.SKIPPED;
            case "spark" -> runScala(p.code());
            case "java" -> runJava(p.code());
            default ->
                Outcome.error(
                    "uses %"
                        + p.interpreter()
                        + ", which this runner does not support "
                        + "(only %spark, %java and %md)");
          };
      interpreterOut.flush();
      runs.add(
          new ParagraphRun(
              p, outcome.status, capture.take(), outcome.problem, (System.nanoTime() - t0) / 1e9));
      if (outcome.status == ParagraphRun.Status.ERROR) {
        break;
      }
    }
    return new NoteRun(note, runs, (System.nanoTime() - start) / 1e9);
  }

  /** Closes the interpreter and restores the thread's context class loader. */
  @Override
  public void close() {
    scala.close();
    if (Thread.currentThread() == owner) {
      owner.setContextClassLoader(previousContextLoader);
    }
  }

  private Outcome runScala(String code) {
    Results.Result result;
    try {
      result =
          Console.withOut(
              paragraphOut, () -> Console.withErr(paragraphOut, () -> scala.interpret(code)));
    } catch (RuntimeException | Error e) {
      e.printStackTrace(paragraphOut);
      return Outcome.error("crashed the Scala interpreter: " + e);
    }
    if (result == Results.Success$.MODULE$) {
      return Outcome.FINISHED;
    }
    if (result == Results.Incomplete$.MODULE$) {
      return Outcome.error(
          "is incomplete: the Scala interpreter expects more input (an unclosed brace, "
              + "parenthesis or string?)");
    }
    return Outcome.error(
        "failed: the Scala interpreter reported an error (compile error or exception, below)");
  }

  private Outcome runJava(String code) {
    Matcher cls = PUBLIC_CLASS.matcher(code);
    if (!cls.find()) {
      return Outcome.error(
          "declares no public class (a %java paragraph is a public class with "
              + "public static void main(String[] args))");
    }
    Matcher pkg = PACKAGE.matcher(code);
    boolean declared = pkg.find();
    String packageName = declared ? pkg.group(1) : "notebook.java" + (++javaParagraphs);
    // on the first line, so that the compiler's line numbers are the paragraph's
    String source = declared ? code : "package " + packageName + "; " + code;
    String className = packageName + "." + cls.group(1);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      return Outcome.error("cannot be compiled: this JVM has no Java compiler (jdk.compiler)");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter javacOut = new StringWriter();
    boolean compiled;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavaFileObject unit =
          new SimpleJavaFileObject(
              URI.create("string:///" + className.replace('.', '/') + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source;
            }
          };
      compiled =
          javac
              .getTask(
                  javacOut,
                  files,
                  diagnostics,
                  List.of("-classpath", classPath, "-d", classDir.toString(), "-proc:none"),
                  null,
                  List.of(unit))
              .call();
    } catch (IOException e) {
      return Outcome.error("cannot be compiled: " + e);
    }
    paragraphOut.print(javacOut);
    String[] lines = code.split("\n", -1);
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      String line =
          d.getLineNumber() >= 1 && d.getLineNumber() <= lines.length
              ? "\n    " + lines[(int) d.getLineNumber() - 1].strip()
              : "";
      String text =
          String.format(
              Locale.ROOT,
              "%s at line %d: %s%s",
              d.getKind().name().toLowerCase(Locale.ROOT),
              d.getLineNumber(),
              d.getMessage(Locale.ROOT),
              line);
      paragraphOut.println(text);
    }
    if (!compiled) {
      return Outcome.error(
          "does not compile (the compiler's errors are below; line 1 is the line after %java)");
    }
    return runMain(className);
  }

  private Outcome runMain(String className) {
    PrintStream previousOut = System.out;
    ClassLoader previousLoader = owner.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classDir.toUri().toURL()}, NotebookRunner.class.getClassLoader())) {
      Method main = Class.forName(className, true, loader).getMethod("main", String[].class);
      if (!Modifier.isStatic(main.getModifiers())) {
        return Outcome.error("has a main method that is not static");
      }
      owner.setContextClassLoader(loader);
      System.setOut(paragraphOut);
      main.invoke(null, (Object) new String[0]);
      return Outcome.FINISHED;
    } catch (InvocationTargetException e) {
      printUpToMain(e.getCause());
      return Outcome.error("threw " + e.getCause());
    } catch (ReflectiveOperationException | IOException e) {
      return Outcome.error("cannot be run: " + e);
    } finally {
      System.out.flush();
      System.setOut(previousOut);
      owner.setContextClassLoader(previousLoader);
    }
  }

  /** The exception's stack trace without the frames of this runner and the test around main. */
  private void printUpToMain(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    int keep = 0;
    while (keep < frames.length
        && !frames[keep].getClassName().startsWith("jdk.internal.reflect.")) {
      keep++;
    }
    t.setStackTrace(Arrays.copyOf(frames, keep));
    t.printStackTrace(paragraphOut);
    if (keep < frames.length) {
      paragraphOut.println("\t... " + (frames.length - keep) + " elided");
    }
  }

  private void requireQuiet(Results.Result result, String what) {
    interpreterOut.flush();
    String out = capture.take();
    if (result != Results.Success$.MODULE$) {
      throw new IllegalStateException("The Scala interpreter failed " + what + ": " + out);
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "A NotebookRunner is confined to the thread that started it ("
              + owner.getName()
              + "), not "
              + Thread.currentThread().getName());
    }
  }

  private record Outcome(ParagraphRun.Status status, String problem) {
    static final Outcome FINISHED = new Outcome(ParagraphRun.Status.FINISHED, "");
    static final Outcome SKIPPED = new Outcome(ParagraphRun.Status.SKIPPED, "");

    static Outcome error(String problem) {
      return new Outcome(ParagraphRun.Status.ERROR, problem);
    }
  }

  /**
   * Keeps what a paragraph prints, and echoes it to the console with each line cut at {@value
   * #ECHOED_LINE} characters (an HTML report printed for Zeppelin is one long line).
   */
  private static final class Capture extends OutputStream {
    static final int ECHOED_LINE = 2000;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream echo;
    private int column;

    Capture(PrintStream echo) {
      this.echo = echo;
    }

    @Override
    public synchronized void write(int b) {
      buffer.write(b);
      if (b == '\n') {
        column = 0;
        echo.write(b);
      } else {
        if (column < ECHOED_LINE) {
          echo.write(b);
        } else if (column == ECHOED_LINE) {
          echo.print(" [...]");
        }
        column++;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    @Override
    public synchronized void flush() {
      echo.flush();
    }

    /** What was written since the last call. */
    synchronized String take() {
      String s = buffer.toString(StandardCharsets.UTF_8);
      buffer.reset();
      return s;
    }
  }
}
