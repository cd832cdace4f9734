package io.syncroutes.infra;

import com.mongodb.client.MongoClient;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.bson.Document;

import java.util.Map;

/** Readiness: MongoDB answers a ping. (Liveness does not depend on it: a MongoDB outage is waited out, not restarted.) */
public final class MongoHealthCheck extends AbstractHealthCheck {

    private final MongoClient client;

    /** @param client a client with a short server-selection timeout, so the check answers quickly */
    public MongoHealthCheck(MongoClient client) {
        super("sync-routes", "mongodb");
        this.client = client;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            client.getDatabase("admin").runCommand(new Document("ping", 1));
            builder.up();
        } catch (RuntimeException e) {
            builder.message("MongoDB does not answer: " + e.getClass().getSimpleName()).down();
        }
    }
}
