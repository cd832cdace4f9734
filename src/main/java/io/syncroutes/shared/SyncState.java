package io.syncroutes.shared;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One place for an operator to see every flow's sync state: each flow is an MBean
 * ({@code io.syncroutes:type=SyncState,flow=...}, so Hawtio shows it), a JSON document ({@code /observe/sync})
 * and Micrometer meters ({@code sync_records_total}, {@code sync_lag}).
 */
public final class SyncState {

    private final Map<String, FlowState> flows = new ConcurrentSkipListMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private final Set<String> circuitGauged = ConcurrentHashMap.newKeySet();
    private final Set<String> leaderGauged = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService lagRefresher;
    private volatile ExecutorService lagWorkers;
    private final MBeanServer mbeans;
    private final Supplier<MeterRegistry> meters;
    private volatile SyncRuns runs;

    public SyncState(MBeanServer mbeans, Supplier<MeterRegistry> meters) {
        this.mbeans = mbeans;
        this.meters = meters;
    }

    /** The state of {@code flow}, created (and registered) on first use. */
    public FlowState flow(String flow) {
        FlowState state = flows.computeIfAbsent(flow, name -> {
            FlowState created = new FlowState(name, meters, () -> runs);
            register(created);
            return created;
        });
        gauge(state);
        return state;
    }

    /** Every flow's finished runs and ledger go to {@code recorder} from now on. */
    public void recordRunsWith(SyncRuns recorder) {
        this.runs = recorder;
    }

    /** The run recorder, or null. */
    public SyncRuns runs() {
        return runs;
    }

    /** The states there are, by name (a read-only view). */
    public Map<String, FlowState> flows() {
        return Collections.unmodifiableMap(flows);
    }

    /** Every flow's state, for {@code /observe/sync}; also registers lag gauges the metrics registry did not have yet. */

    public Map<String, Object> snapshot() {
        Map<String, Object> all = new LinkedHashMap<>();
        registerGauges();
        flows.forEach((name, state) -> all.put(name, state.toMap()));
        return Map.of("flows", all);
    }

    /**
     * Computes every flow's lag in the background every {@code period} (each flow on its own worker, so one whose
     * server hangs delays none of the others); {@code /observe/sync}, the MBeans and {@code sync_lag} then serve
     * the last value with its age instead of asking a server on the request thread.
     */
    public synchronized void startLagRefresh(Duration period) {
        if (lagRefresher != null) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory daemon = task -> {
            Thread thread = new Thread(task, "sync-lag-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        lagWorkers = Executors.newCachedThreadPool(daemon);
        lagRefresher = Executors.newSingleThreadScheduledExecutor(daemon);
        lagRefresher.scheduleWithFixedDelay(this::refreshLags, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshLags() {
        ExecutorService workers = lagWorkers;
        if (workers == null) {
            return;
        }
        for (FlowState state : flows.values()) {
            try {
                // a flow still computing its previous lag is skipped (FlowState.refreshLag returns at once)
                workers.execute(state::refreshLag);
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
    }

    /**
     * Stops computing lags and waits (up to {@code wait}) for the ones in progress, not interrupting them: called
     * when the app starts stopping, so that no lag query reaches a server (an embedded broker or MongoDB) while it
     * stops. The last values are still served.
     */
    public void stopLagRefresh(Duration wait) {
        endLagRefresh(wait, false);
    }

    /** Removes the MBeans (when the app stops). */
    public void close() {
        endLagRefresh(Duration.ZERO, true);
        flows.keySet().forEach(name -> {
            try {
                ObjectName objectName = objectName(name);
                if (mbeans.isRegistered(objectName)) {
                    mbeans.unregisterMBean(objectName);
                }
            } catch (JMException e) {
                // going away anyway
            }
        });
    }

    /** Ends the lag refresh, if running (a context started again starts it again), interrupting it or waiting for it. */
    private void endLagRefresh(Duration wait, boolean interrupt) {
        ScheduledExecutorService refresher;
        ExecutorService workers;
        synchronized (this) {
            refresher = lagRefresher;
            workers = lagWorkers;
            lagRefresher = null;
            lagWorkers = null;
        }
        if (refresher == null) {
            return;
        }
        if (interrupt) {
            refresher.shutdownNow();
            workers.shutdownNow();
            return;
        }
        refresher.shutdown();
        workers.shutdown();
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            refresher.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
            workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void register(FlowState state) {
        try {
            ObjectName name = objectName(state.getFlow());
            if (mbeans.isRegistered(name)) {
                mbeans.unregisterMBean(name);
            }
            mbeans.registerMBean(state, name);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the sync state MBean of " + state.getFlow(), e);
        }
    }

    /** The lag gauge of a flow, once a metrics registry exists (it starts after the flows' beans are made). */
    private void gauge(FlowState state) {
        MeterRegistry registry = meters.get();
        if (registry != null && gauged.add(state.getFlow())) {
            Gauge.builder("sync.lag", state, FlowState::getLag).tag("flow", state.getFlow()).strongReference(true)
                    .description("what is still waiting to be synced (-1: unknown)").register(registry);
        }
        if (registry != null && state.getCircuitState() != null && circuitGauged.add(state.getFlow())) {
            Gauge.builder("sync.circuit.state", state, FlowState::circuitLevel).tag("flow", state.getFlow()).strongReference(true)
                    .description("circuit breaker of the flow's remote system: 0 closed, 1 half-open, 2 open").register(registry);
        }
        if (registry != null) {
            gaugeLeads(registry, state);
        }
    }

    /** The leadership gauges of a flow's namespaces ({@code sync_leader{flow, namespace}}: 1 leads, 0 not). */
    private void gaugeLeads(MeterRegistry registry, FlowState state) {
        for (String namespace : state.getLeads().keySet()) {
            if (leaderGauged.add(state.getFlow() + "/" + namespace)) {
                Gauge.builder("sync.leader", state, s -> s.leadLevel(namespace)).tag("flow", state.getFlow()).tag("namespace", namespace)
                        .strongReference(true).description("1 when this instance runs the flow's polled work of this namespace (cluster leader)")
                        .register(registry);
            }
        }
    }

    /** Registers the lag gauges of every flow known so far (call once the metrics registry exists). */
    public void registerGauges() {
        flows.values().forEach(this::gauge);
    }

    private static ObjectName objectName(String flow) throws JMException {
        return new ObjectName("io.syncroutes:type=SyncState,flow=" + flow);
    }
}
