package io.syncroutes.resources;

import com.mongodb.client.MongoClient;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.LifecycleStrategySupport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Beans of the resources flow ({@code routes/resources.camel.yaml}): {@code resourcesSync}, {@code focusToken},
 * {@code focusReauthorize}, {@code focusRetryPolicy}, {@code focusHttpClientConfigurer}. The flow is on when
 * FOCUS_API_URL is set; then the other Focus settings are checked. Derives {@code resources.enabled} for the
 * routes' preconditions.
 */
public class ResourcesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ResourcesConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        String url = Settings.get(context, "focus.api-url");
        boolean enabled = !url.isBlank();
        context.getPropertiesComponent().addOverrideProperty("resources.enabled", String.valueOf(enabled));
        if (!enabled) {
            LOG.info("Resources flow (Focus API -> MongoDB) is off: set FOCUS_API_URL, FOCUS_USER, FOCUS_PASSWORD, "
                    + "FOCUS_BUSINESS_SERVICE and FOCUS_COUNTRY to turn it on");
            return;
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("FOCUS_API_URL must start with http:// or https://, not '" + url + "'");
        }
        for (String[] required : List.of(new String[] {"focus.user", "FOCUS_USER"}, new String[] {"focus.password", "FOCUS_PASSWORD"},
                new String[] {"focus.business-service", "FOCUS_BUSINESS_SERVICE"}, new String[] {"focus.country", "FOCUS_COUNTRY"})) {
            if (Settings.get(context, required[0]).isBlank()) {
                throw new IllegalArgumentException("Resources flow: FOCUS_API_URL is set, so " + required[1] + " is required");
            }
        }
        boolean dryRun = Settings.dryRun(context, "focus.dry-run", "RESOURCES_DRY_RUN");
        context.getPropertiesComponent().addOverrideProperty("resources.dry-run-on", String.valueOf(dryRun));
        int batchSize = Settings.positive(context, "focus.batch-size", "FOCUS_BATCH_SIZE");
        int intervalMs = Settings.positive(context, "focus.sync-interval-ms", "FOCUS_SYNC_INTERVAL_MS");
        int timeoutMs = Settings.positive(context, "focus.timeout-ms", "FOCUS_REQUEST_TIMEOUT_MS");
        int renewS = Settings.positive(context, "focus.token-renew-s", "FOCUS_TOKEN_RENEW_S");
        int retryDelayMs = Settings.positive(context, "focus.retry.delay-ms", "FOCUS_RETRY_DELAY_MS");
        String retries = Settings.get(context, "focus.retry.max-retries");
        if (!retries.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("FOCUS_MAX_RETRIES must be a whole number >= 0, not '" + retries + "'");
        }
        String password = Settings.get(context, "focus.password");
        LogMasking.add(password);

        Duration timeout = Duration.ofMillis(timeoutMs);
        String base = url.replaceAll("/+$", "");
        // a token is asked for again once it is FOCUS_TOKEN_RENEW_S old (Focus tokens last 30 minutes), and once on a 401
        OAuth2TokenProvider token = new OAuth2TokenProvider("Focus API",
                OAuth2TokenProvider.jsonLogin(base + "/api/v1/auth", Map.of("username", Settings.get(context, "focus.user"),
                        "password", password), timeout),
                Duration.ZERO, Duration.ofSeconds(renewS), "", Map.of(), timeout, Clock.systemUTC(), LogMasking::add, 201);
        FocusLogin login = new FocusLogin(token);
        context.getRegistry().bind("focusToken", login);
        Processor reauthorize = login::reauthorize;
        context.getRegistry().bind("focusReauthorize", reauthorize);
        context.getRegistry().bind("focusRedelivery", new RedeliveryPolicy().maximumRedeliveries(Integer.parseInt(retries))
                .retryAttemptedLogLevel(LoggingLevel.DEBUG).logStackTrace(false).logRetryStackTrace(false).logExhausted(false));
        context.getRegistry().bind("focusRetryPolicy", new RetryPolicy(Duration.ofMillis(retryDelayMs), 2,
                Duration.ofMillis(Math.max(retryDelayMs, 60_000)), 0.2, Clock.systemUTC()));
        HttpClientConfigurer timeouts = builder -> builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(timeoutMs))
                .setResponseTimeout(Timeout.ofMilliseconds(timeoutMs)).build());
        context.getRegistry().bind("focusHttpClientConfigurer", timeouts);

        List<String> resources = Arrays.stream(Settings.get(context, "focus.resources").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        String database = Settings.get(context, "mongo.database");
        MongoClient mongo = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class);
        SyncState syncState = context.getRegistry().lookupByNameAndType("syncState", SyncState.class);
        ResourcesSync sync = new ResourcesSync(mongo.getDatabase(database), base, syncState,
                Settings.get(context, "focus.business-service"), Settings.get(context, "focus.country"),
                Settings.get(context, "focus.lang"), resources, batchSize,
                (dryRun ? "DRY RUN, " : "") + "full/delta pull every " + intervalMs + " ms from " + base, dryRun,
                // a thread per read in flight, so that a stalled response holds only its own; shut down after the routes
                context.getExecutorServiceManager().newCachedThreadPool(ResourcesSync.class, "focus-lines-reader"));
        sync.provenance(context.getRegistry().lookupByNameAndType("provenance", Provenance.class));
        context.getRegistry().bind("resourcesSync", sync);
        syncState.flow("resources").leads("resources", Leadership.of(context).of("resources"));
        // the age of the last completed resource run, once the metrics registry exists (it starts after this)
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext started) {
                MeterRegistry meters = started.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
                if (meters != null) {
                    Gauge.builder("sync.last.run.age.seconds", sync, ResourcesSync::lastRunAgeSeconds).tag("flow", "resources")
                            .description("seconds since a Focus resource last finished a run (-1: none yet)").register(meters);
                }
            }
        });
        LOG.info("Resources flow on{}: {} ({} / {}), resources {} -> MongoDB focus_<resource>, every {} ms",
                dryRun ? " (DRY RUN: nothing is written)" : "", base,
                Settings.get(context, "focus.business-service"), Settings.get(context, "focus.country"),
                resources.isEmpty() ? "all in the schema" : resources, intervalMs);
    }
}
