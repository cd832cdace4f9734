package io.syncroutes.infra;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shared infrastructure: binds {@code mongoClient} to MONGO_URI, or to an embedded MongoDB-compatible server
 * started here when MONGO_URI is unset.
 */
public class InfraConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        String uri = property(context, "mongo.uri");
        if (uri.isBlank()) {
            EmbeddedMongo embedded = new EmbeddedMongo(
                    EmbeddedMongo.Backend.valueOf(property(context, "mongo.embedded.backend").toUpperCase(Locale.ROOT)),
                    Path.of(property(context, "mongo.embedded.dir")),
                    property(context, "mongo.embedded.host"),
                    Integer.parseInt(property(context, "mongo.embedded.port")));
            ServiceHelper.startService(embedded);
            context.addService(embedded, true, true);
            context.getRegistry().bind("embeddedMongo", embedded);
            uri = embedded.uri();
        }
        MongoClient client = MongoClients.create(mongoSettings(uri,
                Long.parseLong(property(context, "mongo.server-selection-timeout-ms"))));
        context.getRegistry().bind("mongoClient", MongoClient.class, client);
        context.addService(new CloseableService(client), true, true);
    }

    /**
     * Client settings from a connection string; the server-selection timeout applies unless the string sets one,
     * so an unavailable server fails an operation fast and Camel's redelivery takes over.
     */
    static MongoClientSettings mongoSettings(String uri, long serverSelectionTimeoutMs) {
        ConnectionString connection = new ConnectionString(uri);
        MongoClientSettings.Builder settings = MongoClientSettings.builder();
        if (!uri.toLowerCase(Locale.ROOT).contains("serverselectiontimeoutms")) {
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionTimeoutMs, TimeUnit.MILLISECONDS));
        }
        return settings.applyConnectionString(connection).build();
    }

    static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }

    /** Closes a client when the Camel context stops. */
    private record CloseableService(AutoCloseable resource) implements org.apache.camel.Service {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
