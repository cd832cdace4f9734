package io.syncroutes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak's fault schedule: cycles of 5xx and 429 bursts with Retry-After, answers slower than the timeouts, dropped
 * connections, expired tokens, an Ivanti outage longer than the breaker's window and MongoDB frozen. Each fault has its
 * own switch (its name in {@code --faults=}).
 */
final class SoakFaults implements AutoCloseable {

    static final List<String> ALL = List.of("5xx", "429", "slow", "drop", "token", "ivanti-outage", "mongo-freeze");
    static final long SLOW_MS = 6_000;
    static final long OUTAGE_MS = 30_000;
    static final long FREEZE_MS = 30_000;

    private final SoakRemotes remotes;
    private final SoakApp app;
    private final Set<String> enabled;
    private final SoakSampler clock;
    private final List<String> log = new ArrayList<>();
    private final List<Double> times = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "soak-faults");
        thread.setDaemon(true);
        return thread;
    });

    SoakFaults(SoakRemotes remotes, SoakApp app, Set<String> enabled, SoakSampler clock) {
        this.remotes = remotes;
        this.app = app;
        this.enabled = enabled;
        this.clock = clock;
    }

    /** Plans the cycles within the first 85 % of a run of {@code seconds}, starting 20 s in. */
    void schedule(long seconds) {
        long cycle = Math.max(100, Math.min(600, (long) (seconds * 0.6)));
        for (long start = 20; start == 20 || start + cycle <= seconds * 0.85; start += cycle) {
            at(start, "5xx", "503 + Retry-After: 1, 5 requests on each remote", () -> remotes.proxies.forEach(p -> p.burst(503, "1", 5)));
            at(start + cycle / 10, "429", "429 + Retry-After: 2, 5 requests on each remote", () -> remotes.proxies.forEach(p -> p.burst(429, "2", 5)));
            at(start + cycle * 2 / 10, "slow", "answers after " + SLOW_MS + " ms (timeouts 3000 ms), 2 requests on each remote",
                    () -> remotes.proxies.forEach(p -> p.slow(SLOW_MS, 2)));
            at(start + cycle * 3 / 10, "drop", "connections closed without an answer, 3 requests on each remote",
                    () -> remotes.proxies.forEach(p -> p.drop(3)));
            at(start + cycle * 4 / 10, "token", "every token of Ivanti, Focus and both Qargo environments expired", remotes::expireTokens);
            at(start + cycle * 45 / 100, "ivanti-outage", "Ivanti answers 503 for " + OUTAGE_MS / 1000 + " s (breaker window 20 s)",
                    () -> remotes.ivantiProxy.outage(OUTAGE_MS));
            if (app.canFreezeMongo()) {
                at(start + cycle * 75 / 100, "mongo-freeze", "MongoDB frozen for " + FREEZE_MS / 1000 + " s", () -> {
                    app.freezeMongo();
                    timer.schedule(() -> {
                        app.thawMongo();
                        note("MongoDB thawed");
                    }, FREEZE_MS, TimeUnit.MILLISECONDS);
                });
            }
        }
    }

    private void at(long second, String name, String what, Runnable fault) {
        if (!enabled.contains(name)) {
            return;
        }
        long delay = Math.max(0, second * 1000 - (long) (clock.seconds() * 1000));
        timer.schedule(() -> {
            fault.run();
            synchronized (this) {
                times.add(clock.seconds());
            }
            note(name + ": " + what);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void note(String line) {
        String entry = String.format(Locale.ROOT, "%6.0f s  %s", clock.seconds(), line);
        log.add(entry);
        System.out.println("fault " + entry);
    }

    /** When each fault began (seconds). */
    synchronized List<Double> times() {
        return List.copyOf(times);
    }

    synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** Ends every fault now (the run's last part is without faults). */
    @Override
    public void close() {
        timer.shutdownNow();
        remotes.clearFaults();
        app.thawMongo();
    }
}
