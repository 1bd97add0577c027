package io.trimtab.tuner.archfixture.cycle.a;

import io.trimtab.tuner.archfixture.cycle.b.B;

/** Breaks the package-cycle rule on purpose (with {@link B}): see {@code ArchitectureTest}. */
public final class A {
  public B next() {
    return new B();
  }
}
