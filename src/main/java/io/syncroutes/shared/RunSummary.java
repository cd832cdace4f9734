package io.syncroutes.shared;

/** What a run returns to its route to log: a run's counts ({@link SyncStats}) or a dry run's plan ({@link DryRunPlan}). */
public interface RunSummary {

    /** The run in one line. */
    String summary();
}
