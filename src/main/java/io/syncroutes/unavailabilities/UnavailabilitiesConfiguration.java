package io.syncroutes.unavailabilities;

import com.mongodb.client.MongoClient;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Beans of the unavailabilities flow ({@code routes/unavailabilities.camel.yaml}). The flow is on when
 * QARGO_CLIENT_ID is set; then both environments' credentials and the other settings are checked at start. It
 * derives {@code unavailabilities.enabled} for the routes' preconditions and registers the JMX operation
 * {@code io.syncroutes:type=Operations,flow=unavailabilities} (run now).
 */
public class UnavailabilitiesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(UnavailabilitiesConfiguration.class);
    /** Qargo tokens live about an hour; one is used until 60 s before it expires. */
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    @Override
    public void configure(CamelContext context) throws Exception {
        boolean enabled = !Settings.get(context, "qargo.client-id").isBlank();
        context.getPropertiesComponent().addOverrideProperty("unavailabilities.enabled", String.valueOf(enabled));
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
        String localApi = Settings.get(context, "qargo.api-url");
        String localAuth = Settings.get(context, "qargo.auth-url");
        String masterApi = or(Settings.get(context, "qargo.master.api-url"), localApi);
        String masterAuth = or(Settings.get(context, "qargo.master.auth-url"), localAuth);
        Supplier<Instant> from = from(Settings.get(context, "qargo.sync-from"));
        Instant to = Settings.get(context, "qargo.sync-to").isBlank() ? null : instant(Settings.get(context, "qargo.sync-to"), "QARGO_SYNC_TO");
        ResourceMatcher matcher = new ResourceMatcher(Arrays.stream(Settings.get(context, "qargo.match-strategies").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        boolean dryRun = Boolean.parseBoolean(Settings.get(context, "qargo.dry-run"));
        RetryPolicy retry = new RetryPolicy(Duration.ofMillis(Long.parseLong(Settings.get(context, "qargo.retry.delay-ms"))),
                Double.parseDouble(Settings.get(context, "qargo.retry.multiplier")),
                Duration.ofMillis(Long.parseLong(Settings.get(context, "qargo.retry.max-delay-ms"))), 0.2, Clock.systemUTC());
        int maxRetries = Integer.parseInt(Settings.get(context, "qargo.retry.max-retries"));
        Duration maxWait = Duration.ofMillis(Long.parseLong(Settings.get(context, "qargo.retry.max-delay-ms")));

        var tokens = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase(Settings.get(context, "mongo.database")).getCollection(Settings.get(context, "qargo.token-collection"));
        QargoClient master = new QargoClient("master", masterApi, token("master", masterAuth, Settings.get(context, "qargo.master.client-id"),
                Settings.get(context, "qargo.master.client-secret"), timeout, tokens), timeout, retry, maxRetries, maxWait);
        QargoClient local = new QargoClient("local", localApi, token("local", localAuth, Settings.get(context, "qargo.client-id"),
                Settings.get(context, "qargo.client-secret"), timeout, tokens), timeout, retry, maxRetries, maxWait);
        UnavailabilitiesSync sync = new UnavailabilitiesSync(master, local, matcher, from, to, dryRun, budget,
                context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("unavailabilities")
                        .mode((dryRun ? "DRY RUN, " : "") + "every " + Settings.get(context, "qargo.sync-interval-ms") + " ms and on demand")
                        .leads("unavailabilities", Leadership.of(context).of("unavailabilities")));
        context.getRegistry().bind("unavailabilitiesSync", sync);
        context.getRegistry().bind("qargoMaster", master);
        context.getRegistry().bind("qargoLocal", local);

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
        LOG.info("Unavailabilities flow on{}: Qargo master {} -> local {}, every {} ms, strategies {}, budget {} requests per environment and run",
                dryRun ? " (DRY RUN: nothing is written)" : "", masterApi, localApi, Settings.get(context, "qargo.sync-interval-ms"),
                Settings.get(context, "qargo.match-strategies"), budget);
    }

    private static OAuth2TokenProvider token(String environment, String authUrl, String clientId, String secret, Duration timeout,
                                             com.mongodb.client.MongoCollection<org.bson.Document> tokens) {
        return new OAuth2TokenProvider("Qargo " + environment, OAuth2TokenProvider.basicClientCredentials(authUrl, clientId, secret, timeout),
                REFRESH_MARGIN, Duration.ofHours(1), "Bearer", Map.of(), timeout, Clock.systemUTC(), LogMasking::add,
                new MongoTokenStore(tokens, environment + ":" + clientId));
    }

    private static String or(String value, String fallback) {
        return value.isBlank() ? fallback : value;
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
