package io.syncroutes.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.simulators.FocusSimulator;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.syncroutes.bench.BenchSupport.await;
import static io.syncroutes.bench.BenchSupport.figure;
import static io.syncroutes.bench.BenchSupport.ratio;

/**
 * A Focus full load of {@code --rows} lines (default 1,000,000), streamed by the Focus simulator, through the app in
 * its own JVM ({@code -Xmx256m}, GC log for the peak heap), into a MongoDB-compatible server (mongo-java-server,
 * memory backend) in this JVM; beside the raw baseline: the same rows bulk-upserted by _id with the driver in batches
 * of the same size into a collection with the same indexes, against the same server, in the same run. Both are warmed up first ({@code --warmup-rows}: the
 * app loads a warm-up resource before the measured one). Run with {@code bench/resources.sh}.
 */
public final class ResourcesBench {

    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        long rows = Long.parseLong(args.getOrDefault("rows", "1000000"));
        long warmupRows = Long.parseLong(args.getOrDefault("warmup-rows", "100000"));
        int batch = Integer.parseInt(args.getOrDefault("batch", "5000"));
        String xmx = args.getOrDefault("xmx", "256m");
        Path work = Files.createTempDirectory("sync-routes-resources-bench");

        EmbeddedMongo server = new EmbeddedMongo(EmbeddedMongo.Backend.MEMORY, work.resolve("mongo"), "127.0.0.1", 0);
        server.start();
        FocusSimulator focus = new FocusSimulator("bench", "bench-password", "bench", "dk", Duration.ofMinutes(30));
        focus.generated("warmup", warmupRows).generated("promotions", rows);
        focus.start("127.0.0.1", 0);
        Process app = null;
        try (MongoClient client = MongoClients.create(server.uri())) {
            // the app: warm-up resource, then the measured one, in one run
            Path gcLog = work.resolve("gc.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + xmx, "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"),
                    io.syncroutes.App.class.getName())
                    .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile());
            builder.environment().putAll(Map.ofEntries(
                    Map.entry("MONGO_URI", server.uri()), Map.entry("MONGO_DATABASE", "bench"),
                    Map.entry("HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort())),
                    Map.entry("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString()),
                    Map.entry("DATA_INBOUND_DIR", work.resolve("inbound").toString()),
                    Map.entry("DATA_DONE_DIR", work.resolve("done").toString()),
                    Map.entry("DATA_ERROR_DIR", work.resolve("error").toString()),
                    Map.entry("DATA_OUTBOUND_DIR", work.resolve("outbound").toString()),
                    Map.entry("WORKORDERS_EXPORT_INTERVAL_MS", "86400000"),
                    Map.entry("FOCUS_API_URL", focus.url()), Map.entry("FOCUS_USER", "bench"),
                    Map.entry("FOCUS_PASSWORD", "bench-password"), Map.entry("FOCUS_BUSINESS_SERVICE", "bench"),
                    Map.entry("FOCUS_COUNTRY", "dk"), Map.entry("FOCUS_RESOURCES", "warmup,promotions"),
                    Map.entry("FOCUS_BATCH_SIZE", String.valueOf(batch)), Map.entry("FOCUS_SYNC_INTERVAL_MS", "86400000")));
            app = builder.start();
            Process running = app;
            // the app never outlives the benchmark, even when it is interrupted
            Runtime.getRuntime().addShutdownHook(new Thread(running::destroyForcibly));
            MongoCollection<Document> state = client.getDatabase("bench").getCollection("sync_state");
            await("the app's full load of " + rows + " rows", 3_600_000,
                    () -> state.find(Filters.eq("_id", "focus_promotions")).first() != null || !running.isAlive());
            if (!app.isAlive()) {
                List<String> log = Files.readAllLines(work.resolve("app.log"));
                throw new IllegalStateException("the app died (exit " + app.exitValue() + "); its log ends:\n"
                        + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
            }
            Document lastRun = state.find(Filters.eq("_id", "focus_promotions")).first().get("lastRun", Document.class);
            long appNanos = (lastRun.get("finishedAt", Date.class).getTime() - lastRun.get("startedAt", Date.class).getTime()) * 1_000_000L;
            long count = client.getDatabase("bench").getCollection("focus_promotions").countDocuments();
            if (count != rows || lastRun.getLong("localCount") != rows) {
                throw new IllegalStateException("expected " + rows + " rows, found " + count + "; run " + lastRun.toJson());
            }
            long peakHeapMb = 0;
            long heapMb = 0;
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_HEAP.matcher(line);
                if (m.find()) {
                    peakHeapMb = Math.max(peakHeapMb, Long.parseLong(m.group(1)));
                    heapMb = Math.max(heapMb, Long.parseLong(m.group(3)));
                }
            }
            long gcs = Files.readAllLines(gcLog).stream().filter(l -> l.contains("Pause")).count();
            app.destroy();
            app.waitFor();
            app = null;

            // the baseline: the same rows, bulk upserts by _id in batches of the same size, warmed up the same way
            baseline(client.getDatabase("bench").getCollection("baseline_warmup"), warmupRows, batch);
            long baselineNanos = baseline(client.getDatabase("bench").getCollection("baseline"), rows, batch);

            System.out.println();
            System.out.printf(Locale.ROOT, "Focus full load, %,d lines (NDJSON over HTTP from the Focus simulator), batches of %,d, "
                    + "mongo-java-server memory backend (in the bench JVM), app in its own JVM -Xmx%s%n", rows, batch, xmx);
            System.out.println(figure("resources flow (stream, parse, bulk upsert)", rows, appNanos));
            System.out.println(figure("baseline: driver bulk upsert, same rows+indexes", rows, baselineNanos));
            System.out.println(ratio("resources flow", appNanos, baselineNanos));
            System.out.printf(Locale.ROOT, "app peak heap used %,d MB of %,d MB committed (max of GC log before-values, %d GC pauses), no OutOfMemoryError%n",
                    peakHeapMb, heapMb, gcs);
        } finally {
            if (app != null) {
                app.destroy();
                app.waitFor();
            }
            focus.close();
            server.stop();
            BenchSupport.delete(work);
        }
    }

    /**
     * Bulk-upserts generated rows 1..rows (the simulator's lines, as documents) by _id; returns the nanoseconds taken.
     * The rows are written straight as BSON (the cheapest encoding the driver takes, as the flow does), so the
     * baseline is the server's and driver's limit, not a codec's.
     */
    @SuppressWarnings("unchecked")
    private static long baseline(MongoCollection<Document> collection, long rows, int batch) {
        // the same collection as the flow's: _id plus the index on the cursor columns
        collection.createIndex(com.mongodb.client.model.Indexes.ascending("created_at", "updated_at"),
                new com.mongodb.client.model.IndexOptions().name("cursor"));
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        long t0 = System.nanoTime();
        List<WriteModel<Document>> models = new ArrayList<>(batch);
        for (long i = 1; i <= rows; i++) {
            String id = FocusSimulator.generatedId(i);
            org.bson.io.BasicOutputBuffer buffer = new org.bson.io.BasicOutputBuffer(256);
            try (org.bson.BsonBinaryWriter w = new org.bson.BsonBinaryWriter(buffer)) {
                w.writeStartDocument();
                w.writeString("id", id);
                w.writeString("name", "Promotion " + i);
                w.writeDouble("discount", (i % 50) / 100.0);
                w.writeString("valid_from", "2025-03-01");
                w.writeStartArray("tags");
                w.writeString("spring");
                w.writeString("p" + (i % 7));
                w.writeEndArray();
                w.writeString("created_at", "2025-02-20T09:00:00Z");
                w.writeNull("updated_at");
                w.writeString("_id", id);
                w.writeInt64("_syncRun", 1L);
                w.writeEndDocument();
            }
            org.bson.RawBsonDocument row = new org.bson.RawBsonDocument(buffer.getInternalBuffer(), 0, buffer.getPosition());
            models.add((WriteModel<Document>) (WriteModel<?>) new ReplaceOneModel<>(Filters.eq("_id", id), row, upsert));
            if (models.size() == batch || i == rows) {
                collection.bulkWrite(models);
                models = new ArrayList<>(batch);
            }
        }
        return System.nanoTime() - t0;
    }
}
