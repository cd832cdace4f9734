package io.syncroutes.workorders;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.RoutesNotStarted;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.FilesAtRest;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncState;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.apache.camel.util.TimeUtils;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Beans of the work-order flows, called by {@code routes/workorders.camel.yaml}: {@code workOrderImport} and its
 * per-file steps, {@code workOrderExport}, and the inbound file consumer's sorter, filter, read lock and poll
 * strategy. Bound once, in {@link #configure}: they hold the flows' sync state.
 */
public class WorkOrdersConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WorkOrdersConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        boolean dryRun = Settings.dryRun(context, "workorders.dry-run", "WORKORDERS_DRY_RUN");
        context.getPropertiesComponent().addOverrideProperty("workorders.dry-run-on", String.valueOf(dryRun));
        if (dryRun) {
            // the routes that write are built (their beans below) but not started; workorders-plan plans instead
            RoutesNotStarted.install(context, List.of("workorders-indexes", "workorders-inbound", "workorders-write-batch",
                    "workorders-export", "workorders-export-run"));
            LOG.info("Work-order flow: DRY RUN: the import of the inbound folder and the export are planned, nothing is "
                    + "written, moved or marked");
        }
        String inboundDir = Settings.get(context, "workorders.inbound.dir");
        String outboundDir = Settings.get(context, "workorders.outbound.dir");
        int batchSize = Settings.positive(context, "workorders.batch-size", "WORKORDERS_BATCH_SIZE");
        long pollMs = Settings.positive(context, "workorders.inbound.poll-ms", "WORKORDERS_INBOUND_POLL_MS");
        Settings.positive(context, "workorders.inbound.files-per-poll", "WORKORDERS_FILES_PER_POLL");
        long atRestMs = Settings.positive(context, "workorders.inbound.at-rest-ms", "workorders.inbound.at-rest-ms");
        long incompleteTimeoutMs = durationMs(Settings.get(context, "workorders.inbound.incomplete-file-timeout"),
                "WORKORDERS_INCOMPLETE_FILE_TIMEOUT");
        long intervalMs = Settings.positive(context, "workorders.export.interval-ms", "WORKORDERS_EXPORT_INTERVAL_MS");
        SyncState syncState = context.getRegistry().lookupByNameAndType("syncState", SyncState.class);
        for (String key : new String[] {"workorders.inbound.dir", "workorders.done.dir", "workorders.error.dir", "workorders.outbound.dir"}) {
            createFolder(Settings.get(context, key));
        }

        // MongoDB unreachable: the redeliveries of routes/workorders.camel.yaml (routeConfiguration workorders-mongo)
        context.getRegistry().bind("workordersMongoRedelivery", new RedeliveryPolicy()
                .maximumRedeliveries(Integer.parseInt(Settings.get(context, "workorders.mongo.retries")))
                .redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(30000)
                .allowRedeliveryWhileStopping(false).retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false).logRetryStackTrace(false).logExhausted(false));

        FlowState inbound = syncState.flow("workorders-inbound").mode("poll " + inboundDir + " every " + pollMs + " ms")
                .lag("files waiting in " + inboundDir, () -> countJsonFiles(Path.of(inboundDir)))
                .leads("workorders-inbound", Leadership.of(context).of("workorders-inbound"));
        FilesAtRest filesAtRest = new FilesAtRest(atRestMs);
        IncompleteFiles incompleteFiles = new IncompleteFiles(filesAtRest, incompleteTimeoutMs);
        WorkOrderImport importer = new WorkOrderImport(
                JsonSchemaValidator.fromClasspath("schemas/workorder.schema.json"), new WorkOrderTranslator(),
                Path.of(Settings.get(context, "workorders.done.dir")), Path.of(Settings.get(context, "workorders.error.dir")),
                batchSize, inbound,
                // the reader of each batch's next bulk write, shut down after the routes; work it cannot take is
                // refused, not dropped silently, and the batch then reads it itself
                context.getExecutorServiceManager().newThreadPool(WorkOrderImport.class, "workorders-inbound-reader",
                        new ThreadPoolProfileBuilder("workorders-inbound-reader").poolSize(1).maxPoolSize(1).maxQueueSize(4)
                                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build()),
                incompleteFiles);
        context.getRegistry().bind("workOrderImport", importer);
        // the next bulk write's stored versions are read with its records on the reader thread, off the batch's
        // thread; the route queries them itself when that failed
        MongoCollection<Document> workorders = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class)
                .getDatabase(Settings.get(context, "mongo.database")).getCollection(Settings.get(context, "workorders.collection"));
        importer.readStoredVersionsAheadWith(query -> workorders.find(query).projection(StoredVersions.FIELDS)
                .into(new ArrayList<>()));
        // where a work order came from: its _sync, found by number (the unique index's one key)
        Provenance provenance = context.getRegistry().lookupByNameAndType("provenance", Provenance.class);
        if (provenance != null) {
            provenance.source("workorders", key -> {
                Document doc = workorders.find(Filters.eq("number", number(key))).projection(Projections.include(Provenance.FIELD)).first();
                return doc == null ? null : doc.get(Provenance.FIELD, Document.class);
            });
        }
        // the two steps run for every file: plain processors, without the bean component's method lookup per call
        context.getRegistry().bind("workOrderReadAhead", (Processor) importer::readAhead);
        context.getRegistry().bind("workOrderHandOver", (Processor) importer::handOver);
        context.getRegistry().bind("workOrderFilesOfOnePoll", importer.filesOfOnePoll());
        // the inbound sorter: compares names only, no exchange per file as sortBy builds
        context.getRegistry().bind("workOrderFilesByName", Comparator.comparing(GenericFile<Object>::getFileName));
        context.getRegistry().bind("workOrderFilesAtRest", filesAtRest);
        // the inbound filter: files at rest, less those left incomplete and unchanged since
        context.getRegistry().bind("workOrderFilesToRead", incompleteFiles);
        // no new listing of the folder while files of the previous poll are still in a batch (unless it is stuck)
        context.getRegistry().bind("workOrderPollStrategy", new DefaultPollingConsumerPollStrategy() {
            @Override
            public boolean begin(Consumer consumer, Endpoint endpoint) {
                return importer.readyForNextPoll(Duration.ofSeconds(30));
            }
        });

        FlowState export = syncState.flow("workorders-export").mode("export every " + intervalMs + " ms to " + outboundDir)
                .leads("workorders-export", Leadership.of(context).of("workorders-export"));
        context.getRegistry().bind("workOrderPlan", new WorkOrderPlan(JsonSchemaValidator.fromClasspath("schemas/workorder.schema.json"),
                Path.of(inboundDir), Path.of(Settings.get(context, "workorders.error.dir")), atRestMs, workorders, inbound));
        context.getRegistry().bind("workOrderExport", new WorkOrderExport(new WorkOrderTranslator(), Path.of(outboundDir), batchSize, export));
    }



    /** Creates a folder of the flow; one that cannot be created is reported, and its route waits for it. */
    private static void createFolder(String dir) {
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            LOG.warn("Work orders: cannot create folder {} ({}); its route starts once it exists", dir, e.getMessage());
        }
    }

    /**
     * A duration: milliseconds ({@code 600000}), a number and unit ({@code 10m}, {@code 600s}, {@code 1m30s}), or
     * ISO-8601 ({@code PT10M}); otherwise the start fails with one message naming the environment variable.
     */
    static long durationMs(String value, String variable) {
        long ms = 0;
        try {
            ms = value.matches("\\d+") ? Long.parseLong(value)
                    : value.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(value).toMillis()
                    : TimeUtils.toMilliSeconds(value);
        } catch (RuntimeException e) {
            // reported below
        }
        if (ms <= 0) {
            throw new IllegalArgumentException(variable + " must be a positive duration (600000 ms, 10m, 600s or PT10M), not '" + value + "'");
        }
        return ms;
    }

    /** A work order number as stored (int32 when it fits), or the key as given when it is not a number. */
    private static Object number(String key) {
        try {
            long value = Long.parseLong(key.trim());
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
        } catch (NumberFormatException e) {
            return key;
        }
    }

    /** The files the inbound route reads (dotfiles are hidden from it). */
    private static long countJsonFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json") && !f.startsWith(".")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
