package io.trimtab.tuner;

/**
 * One setting as the tuner saw it when deciding.
 *
 * @param setting the setting
 * @param predictedSeconds predicted seconds from now to the target under this setting, switch
 *     included (infinite if it never gets there)
 * @param source {@code "measured"} (its own loss curve and epoch times), {@code "model"} (the
 *     Gaussian process) or {@code "history"} (finished jobs)
 * @param expectedImprovement expected improvement over the best measured setting in log-seconds (0
 *     for measured settings)
 */
public record Candidate(
    Setting setting, double predictedSeconds, String source, double expectedImprovement) {}
