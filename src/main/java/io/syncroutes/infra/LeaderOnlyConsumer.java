package io.syncroutes.infra;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.SuspendableService;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.master.MasterEndpoint;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The consumer of a {@code master:<namespace>:<uri>} route: the consumer of {@code <uri>} runs while this instance
 * leads {@code namespace}, and stops when it no longer does. Unlike camel-master 4.17's own consumer it starts the
 * wrapped consumer once (that one keeps restarting it for 5 s after a success, then logs a WARN), keeps retrying a
 * start that fails for as long as it leads, and is suspendable and shutdown-aware like the wrapped consumer, so a
 * graceful stop of the leader finishes its in-flight work (the file consumer's CompleteAllTasks) instead of failing it.
 */
final class LeaderOnlyConsumer extends DefaultConsumer implements Suspendable, ShutdownAware {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderOnlyConsumer.class);

    private final CamelClusterService service;
    private final String namespace;
    private final Endpoint delegate;
    private final long retryMs;
    private final CamelClusterEventListener.Leadership listener = (view, leader) -> onLeadershipChange();
    private volatile CamelClusterView view;
    private volatile Consumer consumer;
    private volatile String lastFailure;
    private ScheduledExecutorService retries;

    LeaderOnlyConsumer(MasterEndpoint endpoint, Processor processor, CamelClusterService service, long retryMs) {
        super(endpoint, processor);
        this.service = service;
        this.namespace = endpoint.getNamespace();
        this.delegate = endpoint.getEndpoint();
        this.retryMs = retryMs;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        retries = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "leader-" + namespace);
        view = service.getView(namespace);
        view.addEventListener(listener);
        onLeadershipChange();
    }

    @Override
    protected void doStop() throws Exception {
        CamelClusterView current = view;
        if (current != null) {
            current.removeEventListener(listener);
            service.releaseView(current);
            view = null;
        }
        if (retries != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(retries);
            retries = null;
        }
        stopDelegate();
        super.doStop();
    }

    private void onLeadershipChange() {
        CamelClusterView current = view;
        if (current != null && current.getLocalMember().isLeader()) {
            startDelegate();
        } else if (consumer != null) {
            stopDelegate();
            LOG.info("No longer leading {}: route {} stopped consuming", namespace, getRouteId());
        }
    }

    /** Starts the wrapped consumer (once) while leading; a failure is tried again after the back-off while still leading. */
    private synchronized void startDelegate() {
        CamelClusterView current = view;
        if (!isRunAllowed() || isSuspendingOrSuspended() || consumer != null || current == null || !current.getLocalMember().isLeader()) {
            return;
        }
        try {
            Consumer created = delegate.createConsumer(getProcessor());
            ServiceHelper.startService(delegate, created);
            consumer = created;
            lastFailure = null;
            LOG.info("Leading {}: route {} consumes now", namespace, getRouteId());
        } catch (Exception e) {
            String reason = String.valueOf(e.getMessage());
            if (!reason.equals(lastFailure)) {
                LOG.warn("Leading {}: route {} cannot consume yet ({}); tried again every {} ms", namespace, getRouteId(), reason, retryMs);
                lastFailure = reason;
            }
            ScheduledExecutorService executor = retries;
            if (executor != null) {
                executor.schedule(this::startDelegate, retryMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized void stopDelegate() {
        Consumer current = consumer;
        consumer = null;
        if (current != null) {
            ServiceHelper.stopAndShutdownService(current);
        }
    }

    @Override
    protected void doSuspend() throws Exception {
        if (consumer instanceof SuspendableService suspendable) {
            suspendable.suspend();
        }
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        if (consumer instanceof SuspendableService suspendable) {
            suspendable.resume();
        }
        super.doResume();
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return consumer instanceof ShutdownAware aware && aware.deferShutdown(shutdownRunningTask);
    }

    @Override
    public int getPendingExchangesSize() {
        return consumer instanceof ShutdownAware aware ? aware.getPendingExchangesSize() : 0;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (consumer instanceof ShutdownAware aware) {
            aware.prepareShutdown(suspendOnly, forced);
        }
    }
}
