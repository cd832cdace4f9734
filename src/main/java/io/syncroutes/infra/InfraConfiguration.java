package io.syncroutes.infra;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncRuns;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shared infrastructure: binds {@code mongoClient} to MONGO_URI (or to an embedded MongoDB-compatible server
 * started here when MONGO_URI is unset) with a MongoDB readiness check, binds {@code syncState} (the flows' state
 * as MBeans, JSON and metrics), guards the management endpoints, and masks configured secrets in the logs.
 */
public class InfraConfiguration implements CamelConfiguration {


    @Override
    public void configure(CamelContext context) throws Exception {
        for (String secret : new String[] {"management.password", "rabbitmq.password"}) {
            LogMasking.add(Settings.get(context, secret));
        }
        ManagementSecurity security = new ManagementSecurity(Settings.get(context, "management.user"), Settings.get(context, "management.password"));
        int port = Integer.parseInt(Settings.get(context, "http.port"));
        String untimedRoutes = Settings.get(context, "metrics.untimed-routes");
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarting(CamelContext starting) {
                // routes whose exchanges the Micrometer route policy does not time one by one (it reads the pattern
                // as each route starts)
                starting.getRoutePolicyFactories().stream()
                        .filter(MicrometerRoutePolicyFactory.class::isInstance).map(MicrometerRoutePolicyFactory.class::cast)
                        .forEach(factory -> factory.getPolicyConfiguration().setExcludePattern(untimedRoutes.isBlank() ? null : untimedRoutes));
            }

            @Override
            public void onContextStarted(CamelContext started) {
                security.install(started, port);
                SyncState state = started.getRegistry().lookupByNameAndType("syncState", SyncState.class);
                state.registerGauges();
                // lag gauges computed in the background, served with their age (never on a request thread)
                state.startLagRefresh(Duration.ofMillis(Long.parseLong(Settings.get(started, "sync.lag-refresh-ms"))));
                // the indexes of sync_runs and sync_ledger, then the retention's purge on a timer
                state.runs().startPurging(Duration.ofMillis(Settings.positive(started, "sync.runs.purge-interval-ms", "SYNC_RUNS_PURGE_INTERVAL_MS")));
            }

            @Override
            public void onContextStopping(CamelContext stopping) {
                // no lag query may reach the embedded broker or MongoDB while they stop (after the routes)
                SyncState state = stopping.getRegistry().lookupByNameAndType("syncState", SyncState.class);
                if (state != null) {
                    state.stopLagRefresh(Duration.ofSeconds(5));
                }
            }
        });

        // several instances: the master component over the configured cluster service (none: one instance)
        Leadership.install(context);

        // every flow's sync state (bound first: the flows' beans record into it); camel-micrometer-prometheus binds
        // its registry as "metricsRegistry" when it starts
        SyncState syncState = new SyncState(ManagementFactory.getPlatformMBeanServer(),
                () -> context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        context.getRegistry().bind("syncState", syncState);
        context.addService(new Closing(syncState::close), true, true);

        String uri = Settings.get(context, "mongo.uri");
        if (uri.isBlank()) {
            EmbeddedMongo embedded = new EmbeddedMongo(
                    EmbeddedMongo.Backend.valueOf(Settings.get(context, "mongo.embedded.backend").toUpperCase(Locale.ROOT)),
                    Path.of(Settings.get(context, "mongo.embedded.dir")),
                    Settings.get(context, "mongo.embedded.host"),
                    Integer.parseInt(Settings.get(context, "mongo.embedded.port")));
            ServiceHelper.startService(embedded);
            context.addService(embedded, true, true);
            context.getRegistry().bind("embeddedMongo", embedded);
            uri = embedded.uri();
        } else {
            char[] password = new ConnectionString(uri).getPassword();
            if (password != null) {
                LogMasking.add(new String(password));
            }
        }
        long connectTimeout = Long.parseLong(Settings.get(context, "mongo.connect-timeout-ms"));
        long socketTimeout = Long.parseLong(Settings.get(context, "mongo.socket-timeout-ms"));
        MongoClient client = MongoClients.create(mongoSettings(uri,
                Long.parseLong(Settings.get(context, "mongo.server-selection-timeout-ms")), connectTimeout, socketTimeout));
        context.getRegistry().bind("mongoClient", MongoClient.class, client);
        context.addService(new Closing(client::close), true, true);
        recordRuns(context, syncState, client);

        // readiness pings in the background with short timeouts of their own
        long probeInterval = Long.parseLong(Settings.get(context, "health.probe-interval-ms"));
        long probeTimeout = Long.parseLong(Settings.get(context, "health.probe-timeout-ms"));
        MongoClient healthClient = MongoClients.create(mongoSettings(uri, Math.min(1_000, probeTimeout), probeTimeout, probeTimeout));
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            MongoHealthCheck mongoCheck = new MongoHealthCheck(healthClient, new ConnectionString(uri).getHosts().toString(),
                    Duration.ofMillis(probeInterval), Duration.ofMillis(probeTimeout));
            context.addService(new Closing(mongoCheck::close), true, true);
            health.register(mongoCheck);
            RoutesStartedHealthCheck routesStarted = new RoutesStartedHealthCheck();
            routesStarted.setCamelContext(context);
            health.register(routesStarted);
        }
        context.addService(new Closing(healthClient::close), true, true);
    }

    /**
     * Every flow's runs and ledger ({@code sync_runs}, {@code sync_ledger}) and the provenance they answer (bean
     * {@code provenance}, MBean {@code io.syncroutes:type=Provenance}). Its service is added after the client's, so it
     * stops first: what is still queued is written before the client closes and the embedded server stops.
     */
    private static void recordRuns(CamelContext context, SyncState syncState, MongoClient client) throws Exception {
        Duration retention = Duration.ofDays(Settings.positive(context, "sync.runs.retention-days", "SYNC_RUNS_RETENTION_DAYS"));
        SyncRuns runs = new SyncRuns(client.getDatabase(Settings.get(context, "mongo.database")), retention);
        syncState.recordRunsWith(runs);
        Provenance provenance = new Provenance(runs);
        context.getRegistry().bind("syncRuns", runs);
        context.getRegistry().bind("provenance", provenance);
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.syncroutes:type=Provenance");
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name);
        }
        mbeans.registerMBean(provenance, name);
        context.addService(new Closing(() -> {
            runs.close(Duration.ofSeconds(10));
            try {
                if (mbeans.isRegistered(name)) {
                    mbeans.unregisterMBean(name);
                }
            } catch (JMException e) {
                // going away anyway
            }
        }), true, true);
    }

    /**
     * Client settings from a connection string; the server-selection timeout applies unless the string sets one,
     * so an unavailable server fails an operation fast and Camel's redelivery takes over.
     */
    static MongoClientSettings mongoSettings(String uri, long serverSelectionTimeoutMs) {
        return mongoSettings(uri, serverSelectionTimeoutMs, 0, 0);
    }

    /**
     * Client settings with the timeouts that keep a frozen server (connections neither answer nor reset) from
     * blocking a route forever: server selection, connect and socket read (0: the driver's default), each unless
     * the connection string sets it. A timed-out operation fails with a MongoSocketReadTimeoutException and
     * Camel redelivers it.
     */
    static MongoClientSettings mongoSettings(String uri, long serverSelectionTimeoutMs, long connectTimeoutMs, long socketTimeoutMs) {
        String lower = uri.toLowerCase(Locale.ROOT);
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri));
        if (!lower.contains("serverselectiontimeoutms")) {
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionTimeoutMs, TimeUnit.MILLISECONDS));
        }
        settings.applyToSocketSettings(s -> {
            if (connectTimeoutMs > 0 && !lower.contains("connecttimeoutms")) {
                s.connectTimeout((int) connectTimeoutMs, TimeUnit.MILLISECONDS);
            }
            if (socketTimeoutMs > 0 && !lower.contains("sockettimeoutms")) {
                s.readTimeout((int) socketTimeoutMs, TimeUnit.MILLISECONDS);
            }
        });
        return settings.build();
    }


    /** Runs {@code close} when the Camel context stops. */
    private static final class Closing extends ServiceSupport {
        private final Runnable close;

        Closing(Runnable close) {
            this.close = close;
        }

        @Override
        protected void doStop() {
            close.run();
        }
    }
}
