package io.syncroutes.unavailabilities;

/** The run's request budget for an environment is spent: no request is made, the run stops and resumes next run. */
public final class BudgetSpentException extends Exception {

    public BudgetSpentException(String message) {
        super(message);
    }
}
