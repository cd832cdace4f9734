package io.syncroutes.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.SyncRuns;
import org.apache.camel.support.service.ServiceHelper;
import org.bson.Document;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How long a provenance query takes with {@code --records} (default 1,000,000) work orders carrying {@code _sync} and
 * as many ledger entries stored (embedded server, memory backend): the median and the slowest of {@code --queries}
 * random lookups through {@link Provenance}, beside the raw find of the record by its key (the baseline).
 * {@code bench/provenance.sh [--records=1000000] [--queries=200]}.
 */
public final class ProvenanceBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchSupport.args(args);
        int records = Integer.parseInt(options.getOrDefault("records", "1000000"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
        EmbeddedMongo server = new EmbeddedMongo(EmbeddedMongo.Backend.MEMORY, Path.of("target"), "127.0.0.1", 0);
        ServiceHelper.startService(server);
        try (MongoClient client = MongoClients.create(server.uri())) {
            MongoDatabase db = client.getDatabase("bench");
            MongoCollection<Document> workorders = db.getCollection("workorders");
            workorders.createIndex(Indexes.ascending("number"), new IndexOptions().unique(true));
            SyncRuns runs = new SyncRuns(db, Duration.ofDays(30));
            runs.ensureIndexes();
            Provenance provenance = new Provenance(runs);
            provenance.source("workorders", key -> {
                Document doc = workorders.find(Filters.eq("number", Integer.parseInt(key))).projection(Projections.include("_sync")).first();
                return doc == null ? null : doc.get("_sync", Document.class);
            });
            long start = System.nanoTime();
            fill(db, workorders, records);
            System.out.printf("stored %,d work orders and %,d ledger entries in %.1f s%n", records, records, (System.nanoTime() - start) / 1e9);

            Random random = new Random(28);
            long[] raw = new long[queries];
            long[] asked = new long[queries];
            for (int i = 0; i < queries; i++) {
                int number = random.nextInt(records);
                long t0 = System.nanoTime();
                workorders.find(Filters.eq("number", number)).first();
                raw[i] = System.nanoTime() - t0;
                long t1 = System.nanoTime();
                String answer = provenance.provenance("workorders", String.valueOf(number));
                asked[i] = System.nanoTime() - t1;
                if (!answer.contains("\"exported\"")) {
                    throw new IllegalStateException("no ledger entry in " + answer);
                }
            }
            System.out.printf("provenance query (record's _sync, ledger, runs)  median %6.2f ms, slowest %6.2f ms%n", median(asked), max(asked));
            System.out.printf("raw find of the record by number (baseline)       median %6.2f ms, slowest %6.2f ms%n", median(raw), max(raw));
            runs.close(Duration.ofSeconds(5));
        } finally {
            ServiceHelper.stopService(server);
        }
    }

    private static void fill(MongoDatabase db, MongoCollection<Document> workorders, int records) {
        MongoCollection<Document> ledger = db.getCollection(SyncRuns.LEDGER);
        MongoCollection<Document> runs = db.getCollection(SyncRuns.RUNS);
        Date now = new Date();
        List<Document> docs = new ArrayList<>();
        List<Document> entries = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String runId = "run-" + (i / 1000);
            if (i % 1000 == 0) {
                runs.insertOne(new Document("_id", runId).append("flow", "workorders-inbound").append("startedAt", now).append("endedAt", now));
            }
            Document source = new Document("file", "orders-" + (i / 1000) + ".json").append("index", (long) (i % 1000));
            Document entry = new Document("runId", runId).append("writtenAt", now).append("source", source);
            docs.add(new Document("number", i).append("status", "pending").append("title", "Work order " + i)
                    .append("_sync", new Document("runId", runId).append("writtenAt", now).append("source", source).append("history", List.of(entry))));
            entries.add(new Document("_id", "workorders:" + i).append("flow", "workorders").append("key", String.valueOf(i)).append("at", now)
                    .append("entries", List.of(new Document("action", "exported").append("source", new Document("file", "workorder_" + i + ".json"))
                            .append("runId", runId).append("at", now))));
            if (docs.size() == 10_000) {
                workorders.insertMany(docs);
                ledger.insertMany(entries);
                docs.clear();
                entries.clear();
            }
        }
        if (!docs.isEmpty()) {
            workorders.insertMany(docs);
            ledger.insertMany(entries);
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double max(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }
}
