package io.syncroutes.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a readiness check (a ping) in the background every interval, so a health request only reads its last result
 * and answers at once whatever the server does. A check that has been running for longer than the timeout (a frozen
 * server: the connection neither answers nor resets) counts as failed at once, without waiting for it to return.
 */
public final class BackgroundProbe implements AutoCloseable {

    /** The check: returns when the server answered, throws when it did not. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** The outcome of the last check. */
    public record Result(boolean up, String message, Instant since) {
    }

    private final String what;
    private final Check check;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private volatile Instant runningSince;
    private volatile Result last;

    /** @param what the server, for messages ("MongoDB at 127.0.0.1:27017") */
    public BackgroundProbe(String what, Check check, Duration interval, Duration timeout) {
        this.what = what;
        this.check = check;
        this.timeout = timeout;
        this.last = new Result(false, what + ": not checked yet", Instant.now());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "health-probe");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        runningSince = Instant.now();
        Result result;
        try {
            check.run();
            result = new Result(true, what + " answers", null);
        } catch (Exception | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            result = new Result(false, what + " does not answer: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"), null);
        } finally {
            runningSince = null;
        }
        Result previous = last;
        // keep the time the state began (down since ...)
        last = new Result(result.up(), result.message(), previous.up() == result.up() && previous.since() != null ? previous.since() : Instant.now());
    }

    /** The current state: the last result, or down when the check in progress has outlasted the timeout. */
    public Result result() {
        Instant running = runningSince;
        if (running != null) {
            Duration waited = Duration.between(running, Instant.now());
            if (waited.compareTo(timeout) > 0) {
                Result previous = last;
                return new Result(false, what + " has not answered a ping for " + waited.toMillis() / 1000.0 + " s",
                        previous.up() ? running.plus(timeout) : previous.since());
            }
        }
        return last;
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
