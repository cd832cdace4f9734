package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.cases.CasesStore;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.shared.SyncState;
import io.syncroutes.simulators.IntempusSimulator;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.bson.Document;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cases throughput: the first full sync of N remote cases (Intempus simulator over HTTP, pages of P) through the
 * cases route, beside raw loops of the same work in the same run (the same pages fetched with java.net.http,
 * parsed with Jackson and bulk-upserted, or bulk-inserted, with the driver, on the same embedded server; the ratio
 * is taken against the faster); then the steady state: a
 * delta run after 10 remote changes, its requests and time beside a full walk's. Run with
 * {@code bench/cases.sh [--cases=100000] [--page=1000] [--backend=memory|h2] [--rounds=3]}; each figure is the
 * best of the rounds (the first warms the JIT).
 */
public final class CasesBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int n = Integer.parseInt(args.getOrDefault("cases", "100000"));
        int page = Integer.parseInt(args.getOrDefault("page", "1000"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        int changes = Integer.parseInt(args.getOrDefault("changes", "10"));
        EmbeddedMongo.Backend backend = EmbeddedMongo.Backend.valueOf(args.getOrDefault("backend", "memory").toUpperCase(Locale.ROOT));
        Path work = Files.createTempDirectory("sync-routes-bench");

        EmbeddedMongo server = new EmbeddedMongo(backend, work.resolve("mongo"), "127.0.0.1", 0);
        server.start();
        IntempusSimulator intempus = new IntempusSimulator("bench", "bench-api-key", Duration.ZERO);
        intempus.start("127.0.0.1", 0);
        intempus.generate(n);
        Map<String, String> props = new HashMap<>();
        props.put("mongo.uri", server.uri());
        props.put("mongo.database", "bench");
        props.put("http.port", String.valueOf(SyncRoutesTestSupport.freePort()));
        for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
            props.put("workorders." + dir + ".dir", work.resolve(dir).toString());
        }
        props.put("intempus.api-uri", intempus.url());
        props.put("intempus.api-user", "bench");
        props.put("intempus.api-key", "bench-api-key");
        props.put("intempus.page-size", String.valueOf(page));
        props.put("intempus.first-sync-delay-ms", "86400000");
        props.put("intempus.sync-interval-ms", "86400000");
        Main app = BenchSupport.startApp(props);
        try (MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> raw = client.getDatabase("bench_raw").getCollection("cases");
            MongoCollection<Document> cases = client.getDatabase("bench").getCollection("cases");
            MongoCollection<Document> state = client.getDatabase("bench").getCollection("sync_state");
            ProducerTemplate template = app.getCamelContext().createProducerTemplate();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // best of the rounds for each (the first warms the JIT; the machine may be shared)
            long upsert = Long.MAX_VALUE;
            long insert = Long.MAX_VALUE;
            long route = Long.MAX_VALUE;
            for (int round = 1; round <= rounds; round++) {
                drop(raw);
                System.gc();
                long u = rawLoop(http, intempus.url(), page, raw, true);
                upsert = Math.min(upsert, u);
                check("raw loop (upsert)", raw.countDocuments(), n);
                drop(raw);
                System.gc();
                long i = rawLoop(http, intempus.url(), page, raw, false);
                insert = Math.min(insert, i);
                check("raw loop (insert)", raw.countDocuments(), n);
                drop(raw);

                drop(cases);
                drop(state);
                System.gc();
                long t0 = System.nanoTime();
                template.sendBody("direct:cases-sync-run", null);
                long r = System.nanoTime() - t0;
                route = Math.min(route, r);
                check("route", cases.countDocuments(), n);
                System.out.printf("round %d: raw upsert %.2f s, raw insert %.2f s, route %.2f s (%s)%n", round, u / 1e9,
                        i / 1e9, r / 1e9, lastRun(app));
            }

            // steady state: a few remote changes, then the next timed run (a delta)
            List<Long> ids = new ArrayList<>(intempus.ids());
            Collections.shuffle(ids);
            ids.subList(0, changes).forEach(intempus::touch);
            long requests = intempus.requests();
            long t0 = System.nanoTime();
            template.sendBody("direct:cases-sync-run", null);
            long delta = System.nanoTime() - t0;
            long deltaRequests = intempus.requests() - requests;
            String deltaLine = lastRun(app);

            // the same situation handled by a full walk (what every run would cost without deltas)
            ids.subList(changes, 2 * changes).forEach(intempus::touch);
            state.updateOne(Filters.eq("_id", "cases"), new Document("$set", new Document("lastFullAt", null)));
            requests = intempus.requests();
            t0 = System.nanoTime();
            template.sendBody("direct:cases-sync-run", null);
            long full = System.nanoTime() - t0;
            long fullRequests = intempus.requests() - requests;
            String fullLine = lastRun(app);

            System.out.println();
            System.out.printf("cases, %,d remote cases in pages of %,d (Intempus simulator over HTTP), mongo-java-server %s backend, %d cores%n",
                    n, page, backend.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors());
            long baseline = Math.min(upsert, insert);
            System.out.println(figure("raw loop, bulk upsert by _id", n, upsert));
            System.out.println(figure("raw loop, bulk insert", n, insert));
            System.out.println(figure("cases-sync route, first full sync", n, route));
            System.out.printf(Locale.ROOT, "%-48s %6.1f %% of the faster raw loop%n", "route vs raw loop", 100.0 * baseline / route);
            System.out.printf(Locale.ROOT, "%-48s %,6d request(s) in %8.1f ms  (%s)%n", "steady state, " + changes + " changes: delta run",
                    deltaRequests, delta / 1e6, deltaLine);
            System.out.printf(Locale.ROOT, "%-48s %,6d request(s) in %8.1f ms  (%s)%n", "the same with a full walk",
                    fullRequests, full / 1e6, fullLine);
        } finally {
            app.stop();
            intempus.close();
            server.stop();
            BenchSupport.delete(work);
        }
    }

    /** The same pages fetched, parsed and bulk-upserted by _id with the driver, one page after the other. */
    private static long rawLoop(HttpClient http, String url, int page, MongoCollection<Document> raw, boolean upsert) throws Exception {
        long t0 = System.nanoTime();
        int offset = 0;
        boolean more = true;
        while (more) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "/case/?limit=" + page + "&offset=" + offset))
                    .header("Authorization", "ApiKey bench:bench-api-key").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("raw loop: HTTP " + response.statusCode());
            }
            JsonNode root = JSON.readTree(response.body());
            List<WriteModel<Document>> writes = new ArrayList<>(page);
            for (JsonNode c : root.get("objects")) {
                Document doc = CasesStore.toDocument((ObjectNode) c);
                writes.add(upsert ? new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true))
                        : new InsertOneModel<>(doc));
            }
            if (!writes.isEmpty()) {
                raw.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            }
            offset += page;
            more = !root.at("/meta/next").isNull();
        }
        return System.nanoTime() - t0;
    }

    private static void drop(MongoCollection<Document> collection) {
        if (collection.countDocuments() > 0) {
            collection.drop();
        }
    }

    private static String lastRun(Main app) {
        return app.getCamelContext().getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("cases").getLastRun();
    }

    private static void check(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException(what + " stored " + actual + " cases, expected " + expected);
        }
    }

    private static String figure(String name, long records, long nanos) {
        return String.format(Locale.ROOT, "%-48s %,10d cases in %7.2f s = %,10.0f cases/s", name, records, nanos / 1e9, records / (nanos / 1e9));
    }
}
