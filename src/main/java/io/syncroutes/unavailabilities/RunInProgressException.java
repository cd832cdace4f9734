package io.syncroutes.unavailabilities;

/** A run was asked for while one is in progress: this one is skipped. */
public final class RunInProgressException extends Exception {

    public RunInProgressException() {
        super("a run is in progress");
    }
}
