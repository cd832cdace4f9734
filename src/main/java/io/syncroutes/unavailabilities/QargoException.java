package io.syncroutes.unavailabilities;

import java.io.IOException;

/** A Qargo call that failed for good (after retries): its environment, call, status and an excerpt of the answer. */
public class QargoException extends IOException {

    private final int status;

    public QargoException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Qargo (or its token endpoint) cannot be reached at all: the run ends at once, nothing changed. */
    public static final class Unreachable extends QargoException {
        public Unreachable(String message) {
            super(message, 0);
        }
    }

    /** The run's request budget is spent, or Qargo asked to wait longer than a run may: stop, resume next run. */
    public static final class BudgetExhausted extends QargoException {
        public BudgetExhausted(String message) {
            super(message, 429);
        }
    }

    /** A run was asked for while one is in progress. */
    public static final class RunInProgress extends QargoException {
        public RunInProgress() {
            super("a run is in progress", 0);
        }
    }
}
