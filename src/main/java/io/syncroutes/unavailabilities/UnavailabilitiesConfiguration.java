package io.syncroutes.unavailabilities;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Beans of the unavailabilities flow ({@code routes/unavailabilities.camel.yaml}): {@code unavailabilitiesSync},
 * {@code unavailabilitiesCalls}, {@code qargoMaster} and {@code qargoLocal} (each environment's API URL and token),
 * {@code qargoForgetToken}, and Qargo's retry policy in one place: {@code qargoRetryPolicy} (backoff, Retry-After,
 * what is transient) and {@code qargoRedelivery} (how many retries). The flow is on when QARGO_CLIENT_ID is set; then
 * both environments' credentials and the other settings are checked at start. It derives
 * {@code unavailabilities.enabled} for the routes' preconditions, the master API URL the routes call (the local one
 * when unset), and registers the JMX operation {@code io.syncroutes:type=Operations,flow=unavailabilities} (run now).
 */
public class UnavailabilitiesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(UnavailabilitiesConfiguration.class);
    /** Qargo tokens live about an hour; one is used until 60 s before it expires. */
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    /** Backoff between retries: doubled each time, ±20 % jitter (as every flow's). */
    private static final double BACKOFF_MULTIPLIER = 2;
    private static final double JITTER = 0.2;

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        boolean enabled = !Settings.get(context, "qargo.client-id").isBlank();
        properties.addOverrideProperty("unavailabilities.enabled", String.valueOf(enabled));
        if (!enabled) {
            LOG.info("Unavailabilities flow (Qargo master -> local) is off: set QARGO_CLIENT_ID, QARGO_CLIENT_SECRET, "
                    + "QARGO_MASTER_CLIENT_ID and QARGO_MASTER_CLIENT_SECRET (and QARGO_API_URL, QARGO_MASTER_API_URL) to turn it on");
            return;
        }
        for (String[] required : List.of(new String[] {"qargo.client-secret", "QARGO_CLIENT_SECRET"},
                new String[] {"qargo.master.client-id", "QARGO_MASTER_CLIENT_ID"},
                new String[] {"qargo.master.client-secret", "QARGO_MASTER_CLIENT_SECRET"},
                new String[] {"qargo.api-url", "QARGO_API_URL"}, new String[] {"qargo.auth-url", "QARGO_AUTH_URL"})) {
            if (Settings.get(context, required[0]).isBlank()) {
                throw new IllegalArgumentException("Unavailabilities flow: QARGO_CLIENT_ID is set, so " + required[1] + " is required");
            }
        }
        for (String prefix : List.of("qargo.", "qargo.master.")) {
            String id = Settings.get(context, prefix + "client-id");
            String secret = Settings.get(context, prefix + "client-secret");
            LogMasking.add(secret);
            // what the Basic header of the token request carries
            LogMasking.add(Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        Settings.positive(context, "qargo.sync-interval-ms", "QARGO_SYNC_INTERVAL_MS");
        int budget = Settings.positive(context, "qargo.request-budget", "QARGO_REQUEST_BUDGET");
        Duration timeout = Duration.ofMillis(Settings.positive(context, "qargo.timeout-ms", "QARGO_REQUEST_TIMEOUT_MS"));
        int retries = nonNegative(context, "qargo.retry.max-retries", "QARGO_MAX_RETRIES");
        Duration retryDelay = Duration.ofMillis(Settings.positive(context, "qargo.retry.delay-ms", "QARGO_RETRY_DELAY_MS"));
        Duration retryMaxDelay = Duration.ofMillis(Settings.positive(context, "qargo.retry.max-delay-ms", "QARGO_RETRY_MAX_DELAY_MS"));
        String localApi = url(Settings.get(context, "qargo.api-url"), "QARGO_API_URL");
        String localAuth = Settings.get(context, "qargo.auth-url");
        String masterApi = url(or(Settings.get(context, "qargo.master.api-url"), localApi), "QARGO_MASTER_API_URL");
        String masterAuth = or(Settings.get(context, "qargo.master.auth-url"), localAuth);
        // the URLs the routes call: without a trailing slash, the master's defaulting to the local one
        properties.addOverrideProperty("qargo.api-url", localApi);
        properties.addOverrideProperty("qargo.master.api-url", masterApi);
        Supplier<Instant> from = from(Settings.get(context, "qargo.sync-from"));
        Instant to = Settings.get(context, "qargo.sync-to").isBlank() ? null : instant(Settings.get(context, "qargo.sync-to"), "QARGO_SYNC_TO");
        FleetMatcher matcher = new FleetMatcher(Arrays.stream(Settings.get(context, "qargo.match-strategies").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        boolean dryRun = Settings.dryRun(context, "qargo.dry-run", "QARGO_DRY_RUN");

        MongoDatabase database = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase(Settings.get(context, "mongo.database"));
        MongoCollection<Document> tokens = database.getCollection(MongoTokenStore.COLLECTION);
        QargoConnection master = new QargoConnection("master", masterApi, token("master", masterAuth,
                Settings.get(context, "qargo.master.client-id"), Settings.get(context, "qargo.master.client-secret"), timeout, tokens));
        QargoConnection local = new QargoConnection("local", localApi, token("local", localAuth,
                Settings.get(context, "qargo.client-id"), Settings.get(context, "qargo.client-secret"), timeout, tokens));
        RetryPolicy retryPolicy = new RetryPolicy(retryDelay, BACKOFF_MULTIPLIER, retryMaxDelay, JITTER, Clock.systemUTC());
        Processor forgetToken = exchange -> ("master".equals(exchange.getProperty(QargoCall.ENVIRONMENT)) ? master : local)
                .forgetRejectedToken(exchange);
        context.getRegistry().bind("qargoMaster", master);
        context.getRegistry().bind("qargoLocal", local);
        context.getRegistry().bind("qargoForgetToken", forgetToken);
        context.getRegistry().bind("qargoRetryPolicy", retryPolicy);
        context.getRegistry().bind("qargoRedelivery", new RedeliveryPolicy().maximumRedeliveries(retries)
                .retryAttemptedLogLevel(LoggingLevel.DEBUG).logStackTrace(false).logRetryStackTrace(false).logExhausted(false));
        UnavailabilitiesSync sync = new UnavailabilitiesSync(master, local, matcher, from, to, dryRun, budget,
                context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("unavailabilities")
                        .mode((dryRun ? "DRY RUN, " : "") + "every " + Settings.get(context, "qargo.sync-interval-ms") + " ms and on demand")
                        .leads("unavailabilities", Leadership.of(context).of("unavailabilities")),
                new UnavailabilitiesFailures(master, local, retryPolicy),
                new ResumePoint(database.getCollection("sync_state")));
        context.getRegistry().bind("unavailabilitiesSync", sync);
        context.getRegistry().bind("unavailabilitiesCalls", new UnavailabilitiesCalls(
                context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("unavailabilities")));
        registerOperations(context, sync);
        LOG.info("Unavailabilities flow on{}: Qargo master {} -> local {}, every {} ms, strategies {}, budget {} requests per environment and run",
                dryRun ? " (DRY RUN: nothing is written)" : "", masterApi, localApi, Settings.get(context, "qargo.sync-interval-ms"),
                Settings.get(context, "qargo.match-strategies"), budget);
    }

    /** The JMX operation (run now), unregistered when the app stops. */
    private static void registerOperations(CamelContext context, UnavailabilitiesSync sync) throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.syncroutes:type=Operations,flow=unavailabilities");
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name);
        }
        mbeans.registerMBean(new UnavailabilitiesOperations(context, sync, Leadership.of(context).of("unavailabilities")), name);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                if (mbeans.isRegistered(name)) {
                    mbeans.unregisterMBean(name);
                }
            }
        }, true, true);
    }

    private static OAuth2TokenProvider token(String environment, String authUrl, String clientId, String secret, Duration timeout,
                                             MongoCollection<Document> tokens) {
        return new OAuth2TokenProvider("Qargo " + environment, OAuth2TokenProvider.basicClientCredentials(authUrl, clientId, secret, timeout),
                REFRESH_MARGIN, Duration.ofHours(1), "Bearer", Map.of(), timeout, Clock.systemUTC(), LogMasking::add,
                new MongoTokenStore(tokens, environment + ":" + clientId));
    }

    private static String or(String value, String fallback) {
        return value.isBlank() ? fallback : value;
    }

    /** An http(s) URL, without its trailing slashes. */
    private static String url(String value, String variable) {
        if (!value.startsWith("http://") && !value.startsWith("https://")) {
            throw new IllegalArgumentException(variable + " must start with http:// or https://, not '" + value + "'");
        }
        return value.replaceAll("/+$", "");
    }

    private static int nonNegative(CamelContext context, String key, String variable) {
        String value = Settings.get(context, key);
        if (!value.matches("\\d{1,3}")) {
            throw new IllegalArgumentException(variable + " must be a whole number >= 0, not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    /** QARGO_SYNC_FROM, or else the start of the current year (UTC) at each run. */
    private static Supplier<Instant> from(String value) {
        if (value.isBlank()) {
            return () -> LocalDate.now(ZoneOffset.UTC).withDayOfYear(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        Instant fixed = instant(value, "QARGO_SYNC_FROM");
        return () -> fixed;
    }

    /** An ISO date ({@code 2025-01-01}, UTC) or date-time with offset. */
    private static Instant instant(String value, String variable) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(variable + " must be a date (2025-01-01) or a date-time with offset, not '" + value + "'");
        }
    }
}
