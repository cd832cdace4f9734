package io.syncroutes.infra;

import com.mongodb.client.MongoClient;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.bson.Document;

import java.time.Duration;
import java.util.Map;

/**
 * Readiness: MongoDB answers a ping. The ping runs in the background ({@link BackgroundProbe}); the check reads its
 * last result, so /observe/health answers at once even when MongoDB is frozen. (Liveness does not depend on it: a
 * MongoDB outage is waited out, not restarted.)
 */
public final class MongoHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    private final BackgroundProbe probe;

    /** @param client a client whose connect, socket and server-selection timeouts are short */
    public MongoHealthCheck(MongoClient client, String where, Duration interval, Duration timeout) {
        super("sync-routes", "mongodb");
        this.probe = new BackgroundProbe("MongoDB" + (where == null || where.isBlank() ? "" : " at " + where),
                () -> client.getDatabase("admin").runCommand(new Document("ping", 1)), interval, timeout);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        BackgroundProbe.Result result = probe.result();
        if (result.since() != null) {
            builder.detail(result.up() ? "up.since" : "down.since", result.since().toString());
        }
        builder.message(result.message());
        if (result.up()) {
            builder.up();
        } else {
            builder.down();
        }
    }

    @Override
    public void close() {
        probe.close();
    }
}
