package io.trimtab.spark.feature;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Feature hashing into a 64-bit key space, for raw categorical and numeric columns: like Spark's
 * {@code FeatureHasher}, whose indices stop at 2^31 (a Spark ML vector's are ints), but with
 * indices in {@code [0, 2^numBits)} for {@code numBits} up to 63, written as two columns: {@code
 * indicesCol} ({@code array<long>}, ascending, distinct) and {@code valuesCol} ({@code
 * array<double>}).
 *
 * <p>As in Spark's: a string or boolean column {@code c} with value {@code v} adds 1.0 at the hash
 * of {@code "c=v"}; a numeric column adds its value at the hash of {@code "c"}; nulls and numeric
 * zeros add nothing; features that hash to one index in a row are summed. The hash is MurmurHash3
 * x64 128 (its first 64 bits, seed 42) of the UTF-8 bytes, masked to {@code numBits} bits.
 */
public final class LongFeatureHasher extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** Seed of the hash, as Spark's hashing transformers use. */
  static final long SEED = 42;

  private final String uid;
  private final StringArrayParam inputCols;
  private final Param<String> indicesCol;
  private final Param<String> valuesCol;
  private final IntParam numBits;

  public LongFeatureHasher() {
    this(Identifiable$.MODULE$.randomUID("longFeatureHasher"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public LongFeatureHasher(String uid) {
    this.uid = uid;
    inputCols =
        new StringArrayParam(this, "inputCols", "columns to hash (string, boolean, numeric)");
    indicesCol =
        new Param<>(this, "indicesCol", "output column of the hashed indices (array<long>)");
    valuesCol = new Param<>(this, "valuesCol", "output column of the values (array<double>)");
    numBits =
        new IntParam(
            this,
            "numBits",
            "log2 of the key space: indices in [0, 2^numBits), 1 .. 63",
            new BitsCheck());
    setDefault(indicesCol, "indices");
    setDefault(valuesCol, "values");
    setDefault(numBits, 28);
  }

  @Override
  public String uid() {
    return uid;
  }

  public LongFeatureHasher setInputCols(String... cols) {
    set(inputCols, cols);
    return this;
  }

  public LongFeatureHasher setIndicesCol(String col) {
    set(indicesCol, col);
    return this;
  }

  public LongFeatureHasher setValuesCol(String col) {
    set(valuesCol, col);
    return this;
  }

  /**
   * @throws IllegalArgumentException naming the value if it is outside 1 .. 63
   */
  public LongFeatureHasher setNumBits(int bits) {
    set(numBits, bits);
    return this;
  }

  public String[] getInputCols() {
    return $(inputCols);
  }

  public String getIndicesCol() {
    return $(indicesCol);
  }

  public String getValuesCol() {
    return $(valuesCol);
  }

  public int getNumBits() {
    return (Integer) $(numBits);
  }

  // Spark finds a stage's Params through its public no-argument methods that return one

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public Param<String> indicesCol() {
    return indicesCol;
  }

  public Param<String> valuesCol() {
    return valuesCol;
  }

  public IntParam numBits() {
    return numBits;
  }

  /**
   * The hashed index of a feature name ({@code "c=v"} or a numeric column's {@code "c"}) under
   * {@code bits} bits.
   */
  public static long index(String feature, int bits) {
    long h = Murmur3x64.hash(feature.getBytes(StandardCharsets.UTF_8), SEED);
    return h & ((1L << bits) - 1);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    String[] cols = getInputCols();
    boolean[] numeric = new boolean[cols.length];
    for (int i = 0; i < cols.length; i++) {
      numeric[i] = dataset.schema().apply(cols[i]).dataType() instanceof NumericType;
    }
    int bits = getNumBits();
    StructType hashed = hashedType();
    UserDefinedFunction hash =
        functions.udf((UDF1<Row, Row>) row -> hashRow(row, cols, numeric, bits), hashed);
    Column[] in = Arrays.stream(cols).map(functions::col).toArray(Column[]::new);
    String tmp = "__" + uid + "_hashed";
    Dataset<Row> out =
        dataset
            .toDF()
            .withColumn(tmp, hash.apply(functions.struct(in)))
            .withColumn(getIndicesCol(), functions.col(tmp + ".indices"))
            .withColumn(getValuesCol(), functions.col(tmp + ".values"))
            .drop(tmp);
    return out.select(
        Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** One row's features: the hashed indices ascending and distinct, their summed values. */
  static Row hashRow(Row row, String[] cols, boolean[] numeric, int bits) {
    long[] keys = new long[cols.length];
    double[] values = new double[cols.length];
    int n = 0;
    for (int i = 0; i < cols.length; i++) {
      if (row.isNullAt(i)) {
        continue;
      }
      Object v = row.get(i);
      if (numeric[i]) {
        double x = v instanceof BigDecimal d ? d.doubleValue() : ((Number) v).doubleValue();
        if (x == 0) {
          continue;
        }
        keys[n] = index(cols[i], bits);
        values[n++] = x;
      } else {
        keys[n] = index(cols[i] + "=" + v, bits);
        values[n++] = 1.0;
      }
    }
    // sort by key (a handful of features per row: insertion sort) and sum the collisions
    for (int i = 1; i < n; i++) {
      long k = keys[i];
      double x = values[i];
      int j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      values[j + 1] = x;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m > 0 && keys[m - 1] == keys[i]) {
        values[m - 1] += values[i];
      } else {
        keys[m] = keys[i];
        values[m++] = values[i];
      }
    }
    Long[] outKeys = new Long[m];
    Double[] outValues = new Double[m];
    for (int i = 0; i < m; i++) {
      outKeys[i] = keys[i];
      outValues[i] = values[i];
    }
    return RowFactory.create(outKeys, outValues);
  }

  private static StructType hashedType() {
    return new StructType()
        .add("indices", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  }

  /**
   * @throws IllegalArgumentException naming the column if an input column is missing or of a type
   *     that cannot be hashed, or an output column exists already
   */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(inputCols) || getInputCols().length == 0) {
      throw new IllegalArgumentException(
          "LongFeatureHasher: no input columns (expected setInputCols with at least one column)");
    }
    for (String c : getInputCols()) {
      if (!Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException(
            "LongFeatureHasher: input column '"
                + c
                + "' does not exist (columns: "
                + String.join(", ", schema.fieldNames())
                + ")");
      }
      DataType t = schema.apply(c).dataType();
      if (!(t instanceof NumericType || t instanceof StringType || t instanceof BooleanType)) {
        throw new IllegalArgumentException(
            "LongFeatureHasher: input column '"
                + c
                + "' is of type "
                + t.simpleString()
                + " (expected a string, boolean or numeric column)");
      }
    }
    for (String c : new String[] {getIndicesCol(), getValuesCol()}) {
      if (Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException(
            "LongFeatureHasher: output column '" + c + "' exists already");
      }
    }
    StructType h = hashedType();
    return schema
        .add(
            new StructField(
                getIndicesCol(),
                h.apply("indices").dataType(),
                true,
                h.apply("indices").metadata()))
        .add(
            new StructField(
                getValuesCol(), h.apply("values").dataType(), true, h.apply("values").metadata()));
  }

  @Override
  public LongFeatureHasher copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<LongFeatureHasher> read() {
    return new DefaultParamsReader<>();
  }

  public static LongFeatureHasher load(String path) {
    return read().load(path);
  }

  /** Checks {@code numBits}: 1 .. 63, naming the value otherwise. */
  private static final class BitsCheck extends scala.runtime.AbstractFunction1<Object, Object>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(Object v) {
      int b = (Integer) v;
      if (b < 1 || b > 63) {
        throw new IllegalArgumentException(
            "Invalid numBits: " + b + " (expected 1 .. 63: indices in [0, 2^numBits))");
      }
      return true;
    }
  }
}
