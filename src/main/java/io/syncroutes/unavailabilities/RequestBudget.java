package io.syncroutes.unavailabilities;

import java.util.concurrent.atomic.AtomicInteger;

/** How many API requests one run may still make to one environment (Qargo allows 500 an hour). */
final class RequestBudget {

    private final String environment;
    private final int limit;
    private final AtomicInteger used = new AtomicInteger();

    RequestBudget(String environment, int limit) {
        this.environment = environment;
        this.limit = limit;
    }

    /** Takes one request from the budget, or stops the run when it is spent. */
    void take() throws BudgetSpentException {
        if (used.incrementAndGet() > limit) {
            used.decrementAndGet();
            throw new BudgetSpentException("request budget of " + limit + " for the " + environment + " environment spent");
        }
    }

    int used() {
        return used.get();
    }
}
