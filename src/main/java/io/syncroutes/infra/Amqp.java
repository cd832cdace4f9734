package io.syncroutes.infra;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * The AMQP connection of the flows that use RabbitMQ: RABBITMQ_HOST/PORT/USER/PASSWORD/VHOST, or the embedded
 * broker started on first use when RABBITMQ_HOST is unset. Bound as {@code rabbitConnectionFactory}.
 */
public final class Amqp {

    private Amqp() {
    }

    /** The connection factory in the registry, created (and the embedded broker started) on the first call. */
    public static synchronized ConnectionFactory connectionFactory(CamelContext context) throws Exception {
        ConnectionFactory existing = context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
        if (existing != null) {
            return existing;
        }
        String host = Settings.get(context, "rabbitmq.host");
        int port = Integer.parseInt(Settings.get(context, "rabbitmq.port"));
        String user = Settings.get(context, "rabbitmq.user");
        String password = Settings.get(context, "rabbitmq.password");
        String vhost = Settings.get(context, "rabbitmq.vhost");
        CachingConnectionFactory factory;
        if (host.isBlank()) {
            host = Settings.get(context, "rabbitmq.embedded.host");
            port = Integer.parseInt(Settings.get(context, "rabbitmq.embedded.port"));
            EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(host, port, user, password,
                    EmbeddedAmqpBroker.Store.valueOf(Settings.get(context, "rabbitmq.embedded.store").toUpperCase(Locale.ROOT)),
                    Path.of(Settings.get(context, "rabbitmq.embedded.dir")));
            // the broker starts while the app goes on; the context's start waits for it (and fails if it did not)
            broker.startInBackground();
            context.addService(broker, true, false);
            factory = new CachingConnectionFactory(broker.clientConnectionFactory());
            factory.setHost(host);
            factory.setPort(port);
            vhost = "/";
        } else {
            factory = new CachingConnectionFactory(host, port);
        }
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost.isBlank() ? "/" : vhost);
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setChannelCacheSize(Integer.parseInt(Settings.get(context, "rabbitmq.channel-cache-size")));
        factory.setConnectionNameStrategy(cf -> context.getName());
        // deliveries are dispatched on this pool; the client's default (2 x cores threads) would cap how many
        // consumers work at once, whatever their number
        int threads = Integer.parseInt(Settings.get(context, "rabbitmq.consumer-threads"));
        ExecutorService dispatch = context.getExecutorServiceManager().newFixedThreadPool(factory, "amqp-consumer", threads);
        factory.setExecutor(dispatch);
        context.getRegistry().bind("rabbitConnectionFactory", ConnectionFactory.class, factory);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                factory.destroy();
            }
        }, true, true);
        return factory;
    }

}
