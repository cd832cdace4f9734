package io.syncroutes.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.Fixtures;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.workorders.WorkOrderTranslator;
import org.apache.camel.main.Main;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.syncroutes.bench.BenchSupport.await;
import static io.syncroutes.bench.BenchSupport.count;
import static io.syncroutes.bench.BenchSupport.figure;
import static io.syncroutes.bench.BenchSupport.ratio;

/**
 * Work-order throughput: the inbound and outbound routes against raw MongoDB-driver baselines on the same
 * embedded server, in one run. Run with {@code bench/workorders.sh [--records=100000] [--per-file=1000]
 * [--backend=memory|h2] [--rounds=2]}; the last round is reported, earlier ones warm the JIT.
 */
public final class WorkOrdersBench {

    private static final ObjectWriter WRITER = new ObjectMapper().writerWithDefaultPrettyPrinter();

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int records = Integer.parseInt(args.getOrDefault("records", "100000"));
        int perFile = Integer.parseInt(args.getOrDefault("per-file", "1000"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "2"));
        EmbeddedMongo.Backend backend = EmbeddedMongo.Backend.valueOf(args.getOrDefault("backend", "memory").toUpperCase(Locale.ROOT));
        Path work = Files.createTempDirectory("sync-routes-bench");

        EmbeddedMongo server = new EmbeddedMongo(backend, work.resolve("mongo"), "127.0.0.1", 0);
        server.start();
        try (MongoClient client = MongoClients.create(server.uri())) {
            for (int round = 1; round <= rounds; round++) {
                boolean last = round == rounds;
                int n = last ? records : Math.max(perFile, records / 10);
                Result result = round(client, server.uri(), work.resolve("round-" + round), n, perFile);
                if (last) {
                    System.out.println();
                    System.out.printf("work orders, %,d records in files of %,d, mongo-java-server %s backend, %d cores%n",
                            n, perFile, backend.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors());
                    System.out.println(figure("inbound baseline (driver bulkWrite upserts)", n, result.baselineIn));
                    System.out.println(figure("inbound route (files -> MongoDB)", n, result.appIn));
                    System.out.println(ratio("inbound route vs baseline", result.appIn, result.baselineIn));
                    System.out.println(figure("outbound baseline (find 1000, write, updateMany)", n, result.baselineOut));
                    System.out.println(figure("outbound route (MongoDB -> files, marked)", n, result.appOut));
                    System.out.println(ratio("outbound route vs baseline", result.appOut, result.baselineOut));
                }
                BenchSupport.delete(work.resolve("round-" + round));
            }
        } finally {
            server.stop();
            BenchSupport.delete(work);
        }
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Result(long baselineIn, long appIn, long baselineOut, long appOut) {
    }

    private static Result round(MongoClient client, String uri, Path dir, int n, int perFile) throws Exception {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        List<ObjectNode> customer = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            customer.add(Fixtures.workOrder(i, "2025-01-01T00:00:00.123456+02:00"));
        }
        for (int f = 0; f * perFile < n; f++) {
            ArrayNode array = Fixtures.JSON.createArrayNode();
            customer.subList(f * perFile, Math.min(n, (f + 1) * perFile)).forEach(array::add);
            Files.write(staging.resolve(String.format("orders-%06d.json", f)), Fixtures.JSON.writeValueAsBytes(array));
        }
        MongoCollection<Document> collection = client.getDatabase("bench").getCollection("workorders");

        // baseline inbound: the driver's bulkWrite upserts of the same (already translated) documents
        collection.drop();
        collection.createIndex(Indexes.ascending("number"), new IndexOptions().unique(true));
        WorkOrderTranslator translator = new WorkOrderTranslator();
        List<WriteModel<Document>> upserts = new ArrayList<>(n);
        for (ObjectNode record : customer) {
            Document doc = translator.toTracos(record);
            upserts.add(new UpdateOneModel<>(Filters.eq("number", doc.get("number")), new Document("$set", doc), new UpdateOptions().upsert(true)));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += perFile) {
            collection.bulkWrite(upserts.subList(i, Math.min(n, i + perFile)));
        }
        long baselineIn = System.nanoTime() - t0;

        // baseline outbound: find 1,000 unsynced, write their files, mark them with one updateMany
        Path baselineOutDir = Files.createDirectories(dir.resolve("baseline-outbound"));
        t0 = System.nanoTime();
        List<Document> page;
        do {
            page = collection.find(Filters.ne("isSynced", true)).sort(Sorts.ascending("_id")).limit(1000).into(new ArrayList<>());
            List<Object> ids = new ArrayList<>(page.size());
            for (Document doc : page) {
                ObjectNode out = translator.toCustomer(doc);
                Files.write(baselineOutDir.resolve("workorder_" + out.get("orderNo").asText() + ".json"), WRITER.writeValueAsBytes(out));
                ids.add(doc.get("_id"));
            }
            if (!ids.isEmpty()) {
                collection.updateMany(Filters.in("_id", ids), Updates.combine(Updates.set("isSynced", true), Updates.set("syncedAt", new Date())));
            }
        } while (page.size() == 1000);
        long baselineOut = System.nanoTime() - t0;
        if (collection.countDocuments(Filters.eq("isSynced", true)) != n) {
            throw new IllegalStateException("baseline outbound did not mark every document");
        }

        // the routes: files moved into the inbound folder, then the export started
        collection.drop();
        Path inbound = Files.createDirectories(dir.resolve("inbound"));
        Path done = dir.resolve("done");
        Path outbound = dir.resolve("outbound");
        Main app = BenchSupport.startApp(Map.of(
                "mongo.uri", uri,
                "mongo.database", "bench",
                "http.port", "0",
                "workorders.inbound.dir", inbound.toString(),
                "workorders.done.dir", done.toString(),
                "workorders.error.dir", dir.resolve("error").toString(),
                "workorders.outbound.dir", outbound.toString(),
                "workorders.inbound.poll-ms", "50",
                "workorders.export.interval-ms", "50"));
        try {
            app.getCamelContext().getRouteController().stopRoute("workorders-export");
            await("unique index", 30_000, () -> collection.listIndexes().into(new ArrayList<>()).size() > 1);
            long files = count(staging);
            t0 = System.nanoTime();
            try (var staged = Files.list(staging)) {
                for (Path file : (Iterable<Path>) staged::iterator) {
                    Files.move(file, inbound.resolve(file.getFileName()));
                }
            }
            await("inbound files done", 600_000, () -> count(done) == files);
            long appIn = System.nanoTime() - t0;
            if (collection.countDocuments() != n) {
                throw new IllegalStateException("inbound route did not upsert every record: " + collection.countDocuments());
            }

            t0 = System.nanoTime();
            app.getCamelContext().getRouteController().startRoute("workorders-export");
            // poll the folder first: counting in MongoDB every few ms would slow the server under test
            await("every file written", 600_000, () -> count(outbound) >= n);
            await("every document marked synced", 600_000, () -> pause(20) && collection.countDocuments(Filters.eq("isSynced", true)) == n);
            long appOut = System.nanoTime() - t0;
            if (count(outbound) != n) {
                throw new IllegalStateException("outbound route wrote " + count(outbound) + " files for " + n + " documents");
            }
            return new Result(baselineIn, appIn, baselineOut, appOut);
        } finally {
            app.stop();
        }
    }
}
