package io.syncroutes.infra;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.util.Map;

/** Readiness of a flow that consumes AMQP: the broker accepts a connection. */
public final class AmqpHealthCheck extends AbstractHealthCheck {

    private final ConnectionFactory connectionFactory;

    public AmqpHealthCheck(ConnectionFactory connectionFactory) {
        super("sync-routes", "amqp");
        this.connectionFactory = connectionFactory;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = connectionFactory.createConnection()) {
            if (connection.isOpen()) {
                builder.up();
            } else {
                builder.message("AMQP connection is closed").down();
            }
        } catch (RuntimeException e) {
            builder.message("AMQP broker does not answer at " + connectionFactory.getHost() + ":" + connectionFactory.getPort()
                    + ": " + e.getClass().getSimpleName()).down();
        }
    }
}
