package io.trimtab.tuner;

/**
 * Chooses the setting of each epoch from the observations of the epochs before: observations in,
 * decisions out. Implementations are deterministic for a given seed and are not thread-safe; the
 * driver calls them between epochs.
 */
public interface TuningPolicy {

  /** The setting the first epoch runs with. */
  Decision first();

  /**
   * Takes the observation of the epoch just run and decides the next epoch's setting.
   *
   * @throws IllegalArgumentException if the observation's epoch or setting is not the one decided
   */
  Decision observe(EpochObservation observation);
}
