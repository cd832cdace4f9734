package io.syncroutes.products;

import io.syncroutes.infra.Amqp;
import io.syncroutes.infra.AmqpHealthCheck;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.RoutesNotStarted;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.CircuitBreakerRoutePolicy;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import io.syncroutes.shared.Secrets;
import io.syncroutes.shared.SyncState;
import io.vertx.ext.web.client.WebClientOptions;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Beans of the products flow ({@code routes/products.camel.yaml}). The flow is on when IVANTI_API_URL is set;
 * then the Ivanti settings are checked, the AMQP connection (or the embedded broker) is set up and the queues
 * are declared. It also derives {@code products.enabled}, {@code products.continuous}, {@code products.drain}
 * for the routes' preconditions.
 */
public class ProductsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ProductsConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        String mode = Settings.get(context, "products.mode").toLowerCase(Locale.ROOT);
        if (!mode.equals("continuous") && !mode.equals("drain")) {
            throw new IllegalArgumentException("PRODUCTS_MODE must be 'continuous' or 'drain', not '" + mode + "'");
        }
        boolean enabled = !Settings.get(context, "ivanti.api-url").isBlank();
        boolean dryRun = enabled && Settings.dryRun(context, "products.dry-run", "PRODUCTS_DRY_RUN");
        properties.addOverrideProperty("products.dry-run-on", String.valueOf(dryRun));
        if (dryRun) {
            // the routes that consume, write or dead-letter are built but not started; products-plan browses instead
            RoutesNotStarted.install(context, List.of("products-sync", "products-dead-letter", "products-drain", "products-drain-run",
                    "products-redrive"));
        }
        properties.addOverrideProperty("products.enabled", String.valueOf(enabled));
        properties.addOverrideProperty("products.continuous", String.valueOf(enabled && mode.equals("continuous")));
        properties.addOverrideProperty("products.drain", String.valueOf(enabled && mode.equals("drain")));
        if (enabled && mode.equals("drain")) {
            // drain mode: products-sync does not start with the app; products-drain starts and stops it on its cron
            RoutesNotStarted.install(context, List.of("products-sync"));
        }
        if (!enabled) {
            LOG.info("Products flow (RabbitMQ -> Ivanti) is off: set IVANTI_API_URL, IVANTI_TOKEN_URL, IVANTI_CLIENT_ID, "
                    + "IVANTI_CLIENT_SECRET and IVANTI_API_KEY to turn it on");
            return;
        }
        for (String[] required : List.of(
                new String[] {"ivanti.token-url", "IVANTI_TOKEN_URL"}, new String[] {"ivanti.client-id", "IVANTI_CLIENT_ID"},
                new String[] {"ivanti.client-secret", "IVANTI_CLIENT_SECRET"}, new String[] {"ivanti.api-key", "IVANTI_API_KEY"})) {
            if (Settings.get(context, required[0]).isBlank()) {
                throw new IllegalArgumentException("Products flow: IVANTI_API_URL is set, so " + required[1] + " is required");
            }
        }
        Duration timeout = Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.timeout-ms")));
        OAuth2TokenProvider token = new OAuth2TokenProvider("Ivanti",
                OAuth2TokenProvider.jsonClientCredentials(Settings.get(context, "ivanti.token-url"),
                        Settings.get(context, "ivanti.client-id"), Settings.get(context, "ivanti.client-secret"), timeout),
                Duration.ofSeconds(Long.parseLong(Settings.get(context, "ivanti.token-refresh-margin-s"))),
                Duration.ofHours(1), "Bearer", Map.of("X-API-Key", Settings.get(context, "ivanti.api-key")), timeout, Clock.systemUTC(),
                LogMasking::add);
        Secrets secrets = new Secrets(List.of(Settings.get(context, "ivanti.client-secret"), Settings.get(context, "ivanti.api-key"),
                Settings.get(context, "rabbitmq.password")));
        LogMasking.add(Settings.get(context, "ivanti.client-secret"));
        LogMasking.add(Settings.get(context, "ivanti.api-key"));

        ConnectionFactory connectionFactory = Amqp.connectionFactory(context);
        ProductQueues queues = new ProductQueues(connectionFactory, Settings.get(context, "products.queue"),
                Long.parseLong(Settings.get(context, "products.message-ttl-ms")));

        context.getRegistry().bind("productQueues", queues);
        context.getRegistry().bind("ivantiWebClientOptions", new WebClientOptions()
                .setMaxPoolSize(Integer.parseInt(Settings.get(context, "ivanti.max-connections")))
                .setKeepAlive(true).setTryUseCompression(false));
        context.getRegistry().bind("ivantiToken", token);
        Processor reauthorize = token::reauthorize;
        context.getRegistry().bind("ivantiReauthorize", reauthorize);
        context.getRegistry().bind("ivantiRedelivery", new RedeliveryPolicy()
                .maximumRedeliveries(Integer.parseInt(Settings.get(context, "ivanti.retry.max-retries")))
                .asyncDelayedRedelivery().retryAttemptedLogLevel(LoggingLevel.DEBUG)
                .logStackTrace(false).logRetryStackTrace(false).logExhausted(false));
        context.getRegistry().bind("ivantiRetryPolicy", new RetryPolicy(
                Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.retry.delay-ms"))),
                Double.parseDouble(Settings.get(context, "ivanti.retry.multiplier")),
                Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.retry.max-delay-ms"))), 0.2, Clock.systemUTC()));
        FlowState flow = context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("products")
                .mode(mode.equals("drain") ? "drain on cron " + Settings.get(context, "products.drain.cron") + " (UTC)" : "continuous");
        // Ivanti down or rejecting the credentials: the consumer pauses (messages stay queued) until a probe succeeds
        CircuitBreakerRoutePolicy breaker = new CircuitBreakerRoutePolicy("Ivanti", flow,
                Integer.parseInt(Settings.get(context, "ivanti.breaker.failure-threshold")),
                Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.breaker.failure-window-ms"))),
                Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.breaker.probe-delay-ms"))),
                Duration.ofMillis(Long.parseLong(Settings.get(context, "ivanti.breaker.probe-max-delay-ms"))),
                new IvantiProbe(Settings.get(context, "ivanti.api-url"), Settings.get(context, "ivanti.breaker.probe-path"), token,
                        Map.of("X-API-Key", Settings.get(context, "ivanti.api-key")), timeout));
        context.getRegistry().bind("productsCircuitBreaker", breaker);
        ProductMapper mapper = new ProductMapper(JsonSchemaValidator.fromClasspath("schemas/product-message.schema.json"), Clock.systemUTC());
        context.getRegistry().bind("productsSync", new ProductsSync(mapper, queues, secrets, flow).breaker(breaker));
        context.getRegistry().bind("productsPlan", new ProductsPlan(connectionFactory, queues, mapper, secrets,
                Settings.positive(context, "products.dry-run.max-messages", "PRODUCTS_DRY_RUN_MAX_MESSAGES"), flow));
        ProductsRedrive redrive = new ProductsRedrive(connectionFactory instanceof CachingConnectionFactory caching
                ? () -> caching.getRabbitConnectionFactory().newConnection(context.getName() + "-redrive")
                : () -> {
                    throw new IllegalStateException("re-drive needs a CachingConnectionFactory");
                }, queues, Long.parseLong(Settings.get(context, "products.redrive.confirm-timeout-ms")));
        redrive.state(flow);
        context.getRegistry().bind("productsRedrive", redrive);
        registerMBean(context, redrive);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            AmqpHealthCheck amqpCheck = new AmqpHealthCheck(connectionFactory,
                    Duration.ofMillis(Long.parseLong(Settings.get(context, "health.probe-interval-ms"))),
                    Duration.ofMillis(Long.parseLong(Settings.get(context, "health.probe-timeout-ms"))));
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    amqpCheck.close();
                }
            }, true, true);
            health.register(amqpCheck);
        }
        LOG.info("Products flow on ({} mode{}): queue {} -> {}", mode, dryRun ? ", DRY RUN: the queue is browsed, nothing consumed or written" : "",
                queues.name(), Settings.get(context, "ivanti.api-url"));
    }

    /** The dead-letter queue as an MBean (Hawtio: its re-drive operation), removed when the app stops. */
    private static void registerMBean(CamelContext context, ProductsRedrive redrive) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.syncroutes:type=DeadLetters,flow=products");
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(redrive, DeadLettersMBean.class), name);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            }
        }, true, true);
    }
}
