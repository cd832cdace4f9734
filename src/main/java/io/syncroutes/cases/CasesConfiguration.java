package io.syncroutes.cases;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.RetryPolicy;
import io.syncroutes.shared.Secrets;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Beans of the cases flow ({@code routes/cases.camel.yaml}): {@code casesSync} (timed pull), {@code casesApi} (the
 * local /case API), {@code intempusRetryPolicy}. The flow is on when INTEMPUS_API_URI is set; its settings are then
 * checked at start, each failure naming its variable. Derives {@code cases.enabled} for the routes' preconditions;
 * while the flow is off the /case API answers 503 saying which variables turn it on.
 */
public class CasesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CasesConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        String uri = Settings.get(context, "intempus.api-uri");
        boolean enabled = !uri.isBlank();
        properties.addOverrideProperty("cases.enabled", String.valueOf(enabled));
        if (!enabled) {
            // the /case API stays (REST definitions cannot be conditional): it answers 503 naming the variables
            properties.addOverrideProperty("intempus.api-uri", "http://intempus-not-configured.invalid");
            context.getRegistry().bind("casesApi", CasesApi.off());
            LOG.info("Cases flow (Intempus <-> MongoDB, /case API) is off: set INTEMPUS_API_URI, INTEMPUS_API_USER and "
                    + "INTEMPUS_API_KEY to turn it on");
            return;
        }
        checkUri(uri);
        if (uri.endsWith("/")) {
            properties.addOverrideProperty("intempus.api-uri", uri.replaceAll("/+$", ""));
        }
        String user = required(context, "intempus.api-user", "INTEMPUS_API_USER");
        String key = required(context, "intempus.api-key", "INTEMPUS_API_KEY");
        long syncInterval = Settings.positive(context, "intempus.sync-interval-ms", "INTEMPUS_SYNC_INTERVAL_MS");
        long fullInterval = Settings.positive(context, "intempus.full-sync-interval-ms", "INTEMPUS_FULL_SYNC_INTERVAL_MS");
        int pageSize = Settings.positive(context, "intempus.page-size", "INTEMPUS_PAGE_SIZE");
        Settings.positive(context, "intempus.timeout-ms", "INTEMPUS_REQUEST_TIMEOUT_MS");
        boolean dryRun = Settings.dryRun(context, "intempus.dry-run", "CASES_DRY_RUN");
        int retries = Integer.parseInt(nonNegative(context, "intempus.retry.max-retries", "INTEMPUS_MAX_RETRIES"));
        long retryDelay = Settings.positive(context, "intempus.retry.delay-ms", "INTEMPUS_RETRY_DELAY_MS");
        long retryMaxDelay = Settings.positive(context, "intempus.retry.max-delay-ms", "INTEMPUS_RETRY_MAX_DELAY_MS");
        LogMasking.add(key);
        LogMasking.add(user + ":" + key);

        MongoDatabase database = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase(Settings.get(context, "mongo.database"));
        CasesStore store = new CasesStore(database.getCollection(Settings.get(context, "intempus.collection")),
                database.getCollection(Settings.get(context, "intempus.state-collection")));
        String authorization = "ApiKey " + user + ":" + key;
        Provenance provenance = context.getRegistry().lookupByNameAndType("provenance", Provenance.class);
        if (provenance != null) {
            // where a case came from: its _sync, found by _id (its Intempus id)
            provenance.source("cases", store::provenanceOf);
        }
        FlowState flow = context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("cases")
                .mode((dryRun ? "DRY RUN, " : "") + "delta every " + syncInterval + " ms, full every " + fullInterval + " ms, pages of " + pageSize)
                .leads("cases", Leadership.of(context).of("cases"));
        IntempusAnswers answers = new IntempusAnswers(new Secrets(List.of(key, user + ":" + key, Settings.get(context, "management.password"))));
        context.getRegistry().bind("casesSync", new CasesSync(store, authorization, pageSize, Duration.ofMillis(fullInterval), flow,
                answers, Clock.systemUTC(), dryRun));
        context.getRegistry().bind("casesApi", new CasesApi(store, JsonSchemaValidator.fromClasspath("schemas/case-create.schema.json"),
                JsonSchemaValidator.fromClasspath("schemas/case-update.schema.json"), authorization, flow, answers, dryRun));
        context.getRegistry().bind("intempusRedelivery", new RedeliveryPolicy().maximumRedeliveries(retries)
                .retryAttemptedLogLevel(LoggingLevel.DEBUG).logStackTrace(false).logRetryStackTrace(false).logExhausted(false));
        context.getRegistry().bind("intempusRetryPolicy", new RetryPolicy(Duration.ofMillis(retryDelay), 2,
                Duration.ofMillis(retryMaxDelay), 0.2, Clock.systemUTC()));
        LOG.info("Cases flow on{}: {} -> MongoDB {}.{} (delta every {} ms, full every {} ms, {} retries); local API at /case",
                dryRun ? " (DRY RUN: nothing is written, the /case API refuses writes)" : "", uri, Settings.get(context, "mongo.database"), Settings.get(context, "intempus.collection"), syncInterval, fullInterval, retries);
    }

    private static void checkUri(String uri) {
        try {
            URI parsed = new URI(uri);
            if (("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) && parsed.getHost() != null
                    && parsed.getQuery() == null && parsed.getUserInfo() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // below
        }
        throw new IllegalArgumentException("INTEMPUS_API_URI must be an http(s) URL without query or credentials, e.g. "
                + "https://intempus.dk/web/v1, not '" + uri + "'");
    }

    private static String required(CamelContext context, String key, String variable) {
        String value = Settings.get(context, key);
        if (value.isBlank()) {
            throw new IllegalArgumentException("Cases flow: INTEMPUS_API_URI is set, so " + variable + " is required");
        }
        return value;
    }

    private static String nonNegative(CamelContext context, String key, String variable) {
        String value = Settings.get(context, key);
        try {
            if (Integer.parseInt(value) >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(variable + " must be a whole number >= 0, not '" + value + "'");
    }
}
