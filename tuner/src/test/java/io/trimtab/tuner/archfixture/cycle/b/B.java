package io.trimtab.tuner.archfixture.cycle.b;

import io.trimtab.tuner.archfixture.cycle.a.A;

/** Breaks the package-cycle rule on purpose (with {@link A}): see {@code ArchitectureTest}. */
public final class B {
  public A back() {
    return new A();
  }
}
