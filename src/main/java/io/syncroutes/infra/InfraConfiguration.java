package io.syncroutes.infra;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
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
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext started) {
                security.install(started, port);
                started.getRegistry().lookupByNameAndType("syncState", SyncState.class).registerGauges();
            }
        });

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
        MongoClient client = MongoClients.create(mongoSettings(uri,
                Long.parseLong(Settings.get(context, "mongo.server-selection-timeout-ms"))));
        context.getRegistry().bind("mongoClient", MongoClient.class, client);
        context.addService(new Closing(client::close), true, true);

        MongoClient healthClient = MongoClients.create(mongoSettings(uri, 1_000));
        context.addService(new Closing(healthClient::close), true, true);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new MongoHealthCheck(healthClient));
            RoutesStartedHealthCheck routesStarted = new RoutesStartedHealthCheck();
            routesStarted.setCamelContext(context);
            health.register(routesStarted);
        }
    }

    /**
     * Client settings from a connection string; the server-selection timeout applies unless the string sets one,
     * so an unavailable server fails an operation fast and Camel's redelivery takes over.
     */
    static MongoClientSettings mongoSettings(String uri, long serverSelectionTimeoutMs) {
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri));
        if (!uri.toLowerCase(Locale.ROOT).contains("serverselectiontimeoutms")) {
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionTimeoutMs, TimeUnit.MILLISECONDS));
        }
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
