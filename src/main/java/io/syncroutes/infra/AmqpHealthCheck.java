package io.syncroutes.infra;

import com.rabbitmq.client.Channel;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.time.Duration;
import java.util.Map;

/**
 * Readiness of a flow that consumes AMQP: the broker accepts a connection and opens a channel on it. The check runs
 * in the background ({@link BackgroundProbe}), so /observe/health answers at once whatever the broker does.
 */
public final class AmqpHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    private final BackgroundProbe probe;

    public AmqpHealthCheck(ConnectionFactory connectionFactory) {
        this(connectionFactory, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public AmqpHealthCheck(ConnectionFactory connectionFactory, Duration interval, Duration timeout) {
        super("sync-routes", "amqp");
        this.probe = new BackgroundProbe("AMQP broker at " + connectionFactory.getHost() + ":" + connectionFactory.getPort(), () -> {
            try (Connection connection = connectionFactory.createConnection()) {
                if (!connection.isOpen()) {
                    throw new IllegalStateException("connection closed");
                }
                // a channel of its own (not from the cache): a round trip the broker must answer
                Channel channel = connection.getDelegate().createChannel();
                if (channel != null) {
                    channel.close();
                }
            }
        }, interval, timeout);
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
