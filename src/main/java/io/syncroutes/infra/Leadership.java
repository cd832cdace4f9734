package io.syncroutes.infra;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Several instances (CLUSTER_SERVICE): polled work ({@code master:<namespace>:...} routes) runs on the one instance
 * that leads its namespace under Camel's cluster service: {@code file} (a lock file per namespace in
 * CLUSTER_FILE_ROOT, a folder every instance shares) or {@code kubernetes} (a Lease per namespace). {@code none}
 * (one instance) binds a {@code master} component that is the wrapped endpoint itself, so nothing changes.
 */
public final class Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** The cluster services CLUSTER_SERVICE names. */
    public enum Kind { NONE, FILE, KUBERNETES }

    private final CamelClusterService service;

    private Leadership(CamelClusterService service) {
        this.service = service;
    }

    /** Whether this instance runs the polled work of {@code namespace} now (always, with one instance). */
    public boolean leads(String namespace) {
        return service == null || service.isLeader(namespace);
    }

    /** Whether a cluster service (file or kubernetes) decides who leads; false with one instance. */
    public boolean clustered() {
        return service != null;
    }

    /** {@link #leads} of {@code namespace}, for a flow's state ({@code FlowState.leads}). */
    public BooleanSupplier of(String namespace) {
        return () -> leads(namespace);
    }

    /** The leadership bound by {@link #install}. */
    public static Leadership of(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("leadership", Leadership.class);
    }

    /**
     * Reads and checks the cluster settings, adds the cluster service (started before the routes, stopped after
     * them: a stopping leader hands over at once) and the {@code master} component, and binds {@code leadership}.
     */
    public static Leadership install(CamelContext context) throws Exception {
        String name = Settings.get(context, "cluster.service").toLowerCase(Locale.ROOT);
        Kind kind;
        try {
            kind = Kind.valueOf(name.isEmpty() ? "NONE" : name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CLUSTER_SERVICE must be none, file or kubernetes, not '" + name + "'");
        }
        long interval = Settings.positive(context, "cluster.check-interval-ms", "CLUSTER_CHECK_INTERVAL_MS");
        long timeout = Settings.positive(context, "cluster.leader-timeout-ms", "CLUSTER_LEADER_TIMEOUT_MS");
        if (timeout < 2 * interval) {
            throw new IllegalArgumentException("CLUSTER_LEADER_TIMEOUT_MS (" + timeout + ") must be at least twice CLUSTER_CHECK_INTERVAL_MS ("
                    + interval + ")");
        }
        CamelClusterService service = switch (kind) {
            case NONE -> null;
            case FILE -> fileService(context, interval, timeout);
            case KUBERNETES -> kubernetesService(context, interval, timeout);
        };
        if (service == null) {
            context.addComponent("master", new SingleInstanceMaster());
        } else {
            service.setId("sync-routes-" + kind.name().toLowerCase(Locale.ROOT));
            context.addService(service, true, true);
            // a leader's consumer that fails to start (e.g. its folder is missing) is tried again this often
            context.addComponent("master", new LeaderOnlyComponent(service, Math.max(1_000, interval)));
        }
        Leadership leadership = new Leadership(service);
        context.getRegistry().bind("leadership", leadership);
        return leadership;
    }

    private static CamelClusterService fileService(CamelContext context, long interval, long timeout) throws Exception {
        String root = Settings.get(context, "cluster.file.root");
        if (root.isEmpty()) {
            throw new IllegalArgumentException("CLUSTER_SERVICE=file needs CLUSTER_FILE_ROOT: a folder every instance shares (one lock file per namespace)");
        }
        Files.createDirectories(Path.of(root));
        FileLockClusterService service = new FileLockClusterService();
        service.setRoot(root);
        // the leader writes a heartbeat every interval; one silent for the timeout is replaced at the next check
        service.setAcquireLockInterval(interval, TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier((int) Math.max(2, (timeout + interval - 1) / interval));
        service.setAcquireLockDelay(Math.min(1_000, interval), TimeUnit.MILLISECONDS);
        LOG.info("Several instances: cluster service file (lock files in CLUSTER_FILE_ROOT={}); polled work runs on each namespace's leader, "
                + "a leader silent for {} ms (CLUSTER_LEADER_TIMEOUT_MS) is replaced", root, timeout);
        return service;
    }

    private static CamelClusterService kubernetesService(CamelContext context, long interval, long timeout) {
        KubernetesClusterService service = new KubernetesClusterService();
        String namespace = Settings.get(context, "cluster.kubernetes.namespace");
        if (!namespace.isEmpty()) {
            // where the Leases and the member pods are (setKubernetesNamespace would only name the client's namespace)
            service.setKubernetesResourcesNamespace(namespace);
        }
        String pod = Settings.get(context, "cluster.kubernetes.pod");
        if (!pod.isEmpty()) {
            service.setPodName(pod);
        }
        service.setKubernetesResourceName(Settings.get(context, "cluster.kubernetes.lease-name"));
        // a pod that takes a Lease leads after the lease duration (the old holder's time to stop); a leader that has
        // not renewed for the renew deadline stops; checks, renewals and attempts every interval
        service.setLeaseDurationMillis(timeout);
        service.setRenewDeadlineMillis(Math.max(interval, timeout * 2 / 3));
        service.setRetryPeriodMillis(interval);
        service.setJitterFactor(1.1);
        LOG.info("Several instances: cluster service kubernetes (Lease {}-<namespace> in {}); polled work runs on each namespace's leader, "
                + "a Lease whose holder is no longer a Running and Ready pod moves, its new holder leading {} ms (CLUSTER_LEADER_TIMEOUT_MS) later",
                service.getKubernetesResourceName(),
                namespace.isEmpty() ? "the pod's namespace" : namespace, timeout);
        return service;
    }
}
