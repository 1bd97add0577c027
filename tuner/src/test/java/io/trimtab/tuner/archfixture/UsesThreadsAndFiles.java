package io.trimtab.tuner.archfixture;

import java.io.FileInputStream;
import java.io.IOException;

/** Breaks the no-threads-or-I/O rule on purpose: see {@code ArchitectureTest}. */
public final class UsesThreadsAndFiles {
  public Thread start(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }

  public int read(String path) throws IOException {
    try (FileInputStream in = new FileInputStream(path)) {
      return in.read();
    }
  }
}
