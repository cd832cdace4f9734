package io.syncroutes.unavailabilities;

import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.SyncStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The state of one run, kept on the exchange (property {@value #PROPERTY}) while the routes go through it: its
 * counters, each environment's request budget, the matched pairs and how far the run got, and what the step in
 * progress reads or writes.
 */
final class UnavailabilitiesRun {

    static final String PROPERTY = "unavailabilitiesRun";
    private static final String[] COUNTERS = {"matched", "unmatched", "ambiguous", "created", "updated", "deleted", "unchanged",
        "errors", "deferred", "requests"};

    final SyncStats stats = new SyncStats("unavailabilities", "unavailabilities run", COUNTERS);
    /** What a dry run would write: the local unavailability (or the master one it would copy) per action. */
    final DryRunPlan plan = new DryRunPlan("unavailabilities", "unavailabilities run", "created", "updated", "deleted");
    final long tokensBefore;
    final List<String> unmatched = new ArrayList<>();
    final List<String> ambiguous = new ArrayList<>();
    private final RequestBudget masterBudget;
    private final RequestBudget localBudget;
    /** The matched pairs in the order this run goes through them, and how many it has started. */
    private List<FleetMatcher.Pair> pairs = List.of();
    private volatile int started;
    /** Where the run stopped (index into the pairs; -1: it did not), and why. */
    private volatile int stoppedAt = -1;
    private volatile String stopReason;
    /** The lists the step in progress reads, and the local writes it still has to make. */
    volatile PagedReads reads;
    final Deque<UnavailabilityDiff.Write> writes = new ArrayDeque<>();

    UnavailabilitiesRun(int budget, long tokensBefore) {
        masterBudget = new RequestBudget("master", budget);
        localBudget = new RequestBudget("local", budget);
        this.tokensBefore = tokensBefore;
    }

    RequestBudget budget(String environment) {
        return "master".equals(environment) ? masterBudget : localBudget;
    }

    /** API requests made so far, both environments (token requests not included). */
    long requests() {
        return masterBudget.used() + localBudget.used();
    }

    void pairs(List<FleetMatcher.Pair> matched) {
        pairs = List.copyOf(matched);
    }

    /** Whether the run goes on to another pair. */
    boolean hasNextPair() {
        return stoppedAt < 0 && started < pairs.size();
    }

    FleetMatcher.Pair nextPair() {
        return pairs.get(started++);
    }

    /** The pair in progress, or null while the fleet resources are read and matched. */
    FleetMatcher.Pair current() {
        return started == 0 ? null : pairs.get(started - 1);
    }

    /** Stops the run at the pair in progress (or, between pairs, at the next one): it and the rest are deferred. */
    void stop(boolean beforeNextPair, String reason) {
        if (stoppedAt < 0) {
            stoppedAt = beforeNextPair ? started : started - 1;
            stopReason = reason;
        }
    }

    boolean stopped() {
        return stoppedAt >= 0;
    }

    String stopReason() {
        return stopReason;
    }

    /** The matched pairs this run did not sync because it stopped. */
    int deferred() {
        return stoppedAt < 0 ? 0 : pairs.size() - stoppedAt;
    }

    /** The local id of the pair the next run starts with, or null (this run did not stop). */
    String resumeFrom() {
        return stoppedAt < 0 ? null : pairs.get(stoppedAt).localId();
    }
}
