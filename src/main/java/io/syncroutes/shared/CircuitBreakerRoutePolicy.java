package io.syncroutes.shared;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.throttling.ThrottlingExceptionHalfOpenHandler;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A circuit breaker on a consumer whose remote system is down: Camel's {@link ThrottlingExceptionRoutePolicy},
 * counting only the exchanges the route marked with {@link #unavailable} (the remote system failed, not the message).
 * When {@code failureThreshold} of them happen within {@code failureWindow} the consumer is suspended (messages stay
 * in their queue); the remote system is then probed, first after {@code probeDelay} and backing off to
 * {@code probeMaxDelay}, and the consumer resumes once a probe succeeds. Its state (closed, open, half-open while
 * probing), since when and the last error go to the flow's {@link FlowState}.
 */
public final class CircuitBreakerRoutePolicy extends ThrottlingExceptionRoutePolicy implements ThrottlingExceptionHalfOpenHandler {

    /** Exchange property: why the remote system counts as unavailable for this exchange. */
    public static final String UNAVAILABLE = "SyncRemoteUnavailable";

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakerRoutePolicy.class);

    /** Checks the remote system; throws when it is still unavailable. */
    @FunctionalInterface
    public interface Probe {
        void check() throws Exception;
    }

    /** The failure the policy counts (never thrown: it stands for an exchange marked unavailable). */
    public static final class RemoteUnavailableException extends Exception {
        public RemoteUnavailableException(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String system;
    private final FlowState state;
    private final Probe probe;
    private final long probeDelayMs;
    private final long probeMaxDelayMs;
    // every decision (counting, suspending the consumer, probing) on this one thread: off the threads that finish
    // exchanges (HTTP event loops), and never two at once (the base policy's own timer races with them)
    private final ScheduledExecutorService decisions = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "circuit-breaker");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String current = "closed";
    private volatile Instant openedAt;
    private volatile long nextProbeAt;
    private volatile long probeDelay;

    /**
     * @param system           the remote system, for log lines ("Ivanti")
     * @param failureThreshold failures within {@code failureWindow} that open the circuit
     */
    public CircuitBreakerRoutePolicy(String system, FlowState state, int failureThreshold, Duration failureWindow,
                                     Duration probeDelay, Duration probeMaxDelay, Probe probe) {
        super(failureThreshold, failureWindow.toMillis(), Math.max(100, Math.min(probeDelay.toMillis(), 1000)),
                List.of(RemoteUnavailableException.class));
        this.system = system;
        this.state = state;
        this.probe = probe;
        this.probeDelayMs = probeDelay.toMillis();
        this.probeMaxDelayMs = Math.max(probeDelay.toMillis(), probeMaxDelay.toMillis());
        this.probeDelay = probeDelayMs;
        setHalfOpenHandler(this);
        state.circuit("closed", Instant.now());
    }

    /** Marks the exchange as failed because the remote system is unavailable ({@code reason} already masked). */
    public void unavailable(Exchange exchange, String reason) {
        exchange.setProperty(UNAVAILABLE, reason);
        state.circuitError(reason);
    }

    /** closed, open or half-open (probing). */
    public String state() {
        return current;
    }

    public boolean isClosed() {
        return "closed".equals(current);
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        String reason = exchange.getProperty(UNAVAILABLE, String.class);
        if (reason == null && "closed".equals(current) && getFailures() == 0) {
            return;
        }
        // the policy reads the outcome from a stand-in exchange: the real one goes back to its consumer now
        Exchange outcome = new DefaultExchange(route.getCamelContext());
        if (reason != null) {
            outcome.setException(new RemoteUnavailableException(reason));
        }
        try {
            decisions.execute(() -> {
                // failures older than the window no longer count (the base policy would keep adding them up)
                if (reason != null && "closed".equals(current) && getFailures() > 0
                        && getLastFailure() < System.currentTimeMillis() - getFailureWindow()) {
                    closeCircuit(route);
                }
                super.onExchangeDone(route, outcome);
            });
        } catch (RejectedExecutionException stopping) {
            // the app is stopping
        }
    }

    /**
     * The next look at an open circuit, on the decision thread (instead of the base policy's new Timer per look,
     * whose task can cancel a newer timer and leave the circuit open for good).
     */
    @Override
    protected void addHalfOpenTimer(Route route) {
        try {
            decisions.schedule(() -> super.onExchangeDone(route, new DefaultExchange(route.getCamelContext())),
                    getHalfOpenAfter(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the app is stopping
        }
    }

    /** Half-open: probe the remote system when the backoff allows; true closes the circuit (the consumer resumes). */
    @Override
    public boolean isReadyToBeClosed() {
        long now = System.currentTimeMillis();
        if (now < nextProbeAt) {
            return false;
        }
        transition("half-open");
        try {
            probe.check();
            return true;
        } catch (Exception e) {
            String reason = Failures.of(e).reason();
            state.circuitError(reason);
            probeDelay = Math.min(probeDelay * 2, probeMaxDelayMs);
            nextProbeAt = System.currentTimeMillis() + probeDelay;
            LOG.debug("{} still unavailable ({}); next probe in {} ms", system, reason, probeDelay);
            transition("open");
            return false;
        }
    }

    @Override
    protected void openCircuit(Route route) {
        super.openCircuit(route);
        if ("closed".equals(current)) {
            probeDelay = probeDelayMs;
            nextProbeAt = System.currentTimeMillis() + probeDelayMs;
            openedAt = Instant.now();
            LOG.warn("{} unavailable ({}): {} paused, messages stay queued; probing {} from {} s, backing off to {} s",
                    system, state.getCircuitLastError(), route.getRouteId(), system, probeDelayMs / 1000.0, probeMaxDelayMs / 1000.0);
        }
        transition("open");
    }

    @Override
    protected void closeCircuit(Route route) {
        super.closeCircuit(route);
        if (!"closed".equals(current)) {
            Instant since = openedAt;
            LOG.info("{} answers again: {} resumed{}", system, route.getRouteId(),
                    since == null ? "" : " after " + Duration.between(since, Instant.now()).toSeconds() + " s");
        }
        transition("closed");
    }

    @Override
    protected void halfOpenCircuit(Route route) {
        super.halfOpenCircuit(route);
        transition("half-open");
    }

    /** The consumer of a route that was stopped meanwhile (e.g. a drain ended) is not started again by the breaker. */
    @Override
    public boolean resumeOrStartConsumer(Consumer consumer) throws Exception {
        Route route = getRoute();
        if (route != null && route.getCamelContext().getRouteController().getRouteStatus(route.getRouteId()) != ServiceStatus.Started) {
            return false;
        }
        return super.resumeOrStartConsumer(consumer);
    }

    private void transition(String to) {
        if (!to.equals(current)) {
            current = to;
            state.circuit(to, Instant.now());
        }
    }
}
