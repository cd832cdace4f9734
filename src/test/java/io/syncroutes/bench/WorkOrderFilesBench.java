package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.syncroutes.Fixtures;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.workorders.WorkOrderTranslator;
import org.apache.camel.main.Main;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.syncroutes.bench.BenchSupport.await;
import static io.syncroutes.bench.BenchSupport.count;

/**
 * Work-order files, small and big: 10,000 one-object files, and 100 files of 1,000 records, through the inbound
 * route, each beside a raw loop of the same work on the same server (list the folder, read and parse each file,
 * translate, upsert 1,000 records per bulk write, rename each file to done once its records are written; the next
 * 1,000 records are read while a bulk write and its renames run on a second thread, as the route overlaps them). Run with
 * {@code bench/workorders.sh --files [--backend=memory|h2] [--small=10000] [--big=100] [--per-big=1000] [--max-warm-ups=10] [--measured-rounds=3]};
 * the median of the last {@code --measured-rounds} (3) is reported, the raw loop's and the route's apart; earlier rounds
 * warm the JIT (the same number of one-object files, a tenth of the big ones) until it compiles for less than 10 % of
 * the route: a route runs many small steps, which the JIT takes several rounds to compile (on 2 cores its compiler
 * thread took most of a core through the second and third rounds).
 */
public final class WorkOrderFilesBench {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final java.lang.management.CompilationMXBean JIT = java.lang.management.ManagementFactory.getCompilationMXBean();

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int small = Integer.parseInt(args.getOrDefault("small", "10000"));
        int big = Integer.parseInt(args.getOrDefault("big", "100"));
        int perBig = Integer.parseInt(args.getOrDefault("per-big", "1000"));
        // warm-up rounds until the JIT has settled (compiling for under 10 % of the one-object route), at most this many
        int maxWarmUps = Integer.parseInt(args.getOrDefault("max-warm-ups", "10"));
        // measured rounds after the warm-up; the median of each figure is reported (one round swings with the JIT and
        // with the other work of a shared machine)
        int measuredRounds = Integer.parseInt(args.getOrDefault("measured-rounds", "3"));
        EmbeddedMongo.Backend backend = EmbeddedMongo.Backend.valueOf(args.getOrDefault("backend", "memory").toUpperCase(Locale.ROOT));
        Path work = Files.createTempDirectory("sync-routes-bench");
        EmbeddedMongo server = new EmbeddedMongo(backend, work.resolve("mongo"), "127.0.0.1", 0);
        server.start();
        List<String> report = new ArrayList<>();
        try (MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> collection = client.getDatabase("bench").getCollection("workorders");
            boolean settled = false;
            List<Result> smallResults = new ArrayList<>();
            List<Result> bigResults = new ArrayList<>();
            int warmUps = 0;
            long measuredJitMs = 0;
            long measuredRouteMs = 0;
            for (int round = 1; ; round++) {
                boolean measured = settled || round > maxWarmUps;
                // one-object files warm up at full size: a tenth left the route's many small steps still being
                // compiled while it was measured (its CPU per file 1.5x that of a warmed run), the raw loop's few not
                int bigFiles = measured ? big : Math.max(1, big / 10);
                Path dir = work.resolve("round-" + round);
                Result smallResult = run(collection, server.uri(), dir.resolve("small"), small, 1);
                Result bigResult = run(collection, server.uri(), dir.resolve("big"), bigFiles, perBig);
                long jitMs = smallResult.routeJitMs();
                long routeMs = smallResult.routeNanos() / 1_000_000;
                System.out.printf("round %d%s: the JIT compiled for %,d ms of the one-object files route's %,d ms%n",
                        round, measured ? " (measured)" : " (warm-up)", jitMs, routeMs);
                BenchSupport.delete(dir);
                if (measured) {
                    smallResults.add(smallResult);
                    bigResults.add(bigResult);
                    measuredJitMs += jitMs;
                    measuredRouteMs += routeMs;
                    smallResult.lines(String.format("%,d one-object files", small)).forEach(System.out::println);
                    bigResult.lines(String.format("%,d files of %,d records", bigFiles, perBig)).forEach(System.out::println);
                    if (smallResults.size() == measuredRounds) {
                        break;
                    }
                } else {
                    warmUps++;
                    // the next round is measured once this one left the JIT little to compile
                    settled = jitMs < routeMs / 10;
                }
            }
            report.add(String.format("work-order files, mongo-java-server %s backend, %d cores (machine shared with other builds),"
                            + " median of %d rounds measured after %d warm-up rounds (the JIT compiling %,d ms of the one-object"
                            + " route's %,d ms in them)", backend.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors(),
                    measuredRounds, warmUps, measuredJitMs, measuredRouteMs));
            report.addAll(Result.median(smallResults).lines(String.format("%,d one-object files", small)));
            report.addAll(Result.median(bigResults).lines(String.format("%,d files of %,d records", big, perBig)));
            if (backend == EmbeddedMongo.Backend.H2) {
                report.add(String.format("H2 store while running: %,d KB", Files.size(work.resolve("mongo/sync-routes.mv")) / 1024));
            }
        } finally {
            server.stop();
        }
        if (backend == EmbeddedMongo.Backend.H2) {
            report.add(String.format("H2 store after stop (compacted): %,d KB", Files.size(work.resolve("mongo/sync-routes.mv")) / 1024));
        }
        BenchSupport.delete(work);
        System.out.println();
        report.forEach(System.out::println);
    }

    private record Result(long files, long records, long baselineNanos, long routeNanos, long routeJitMs) {
        /** The median time of the raw loop and, apart, of the route, over rounds of the same work. */
        static Result median(List<Result> rounds) {
            long[] baseline = rounds.stream().mapToLong(Result::baselineNanos).sorted().toArray();
            long[] route = rounds.stream().mapToLong(Result::routeNanos).sorted().toArray();
            Result first = rounds.get(0);
            return new Result(first.files, first.records, baseline[baseline.length / 2], route[route.length / 2], 0);
        }

        List<String> lines(String what) {
            return List.of(
                    line(what + ": raw loop", baselineNanos),
                    line(what + ": route", routeNanos),
                    String.format(Locale.ROOT, "  %-40s %6.1f %% of the raw loop", what + ": route vs raw loop", 100.0 * baselineNanos / routeNanos));
        }

        private String line(String name, long nanos) {
            double seconds = nanos / 1e9;
            return String.format(Locale.ROOT, "  %-40s %,8d files %,9d records in %6.2f s = %,8.0f files/s %,9.0f records/s",
                    name, files, records, seconds, files / seconds, records / seconds);
        }
    }

    private static Result run(MongoCollection<Document> collection, String uri, Path dir, int files, int perFile) throws Exception {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        int n = 0;
        for (int f = 0; f < files; f++) {
            byte[] content;
            if (perFile == 1) {
                content = Fixtures.JSON.writeValueAsBytes(Fixtures.workOrder(++n, "2025-01-01T00:00:00.123456+02:00"));
            } else {
                ArrayNode array = Fixtures.JSON.createArrayNode();
                for (int i = 0; i < perFile; i++) {
                    array.add(Fixtures.workOrder(++n, "2025-01-01T00:00:00.123456+02:00"));
                }
                content = Fixtures.JSON.writeValueAsBytes(array);
            }
            Files.write(staging.resolve(String.format("orders-%06d.json", f)), content);
        }
        long records = n;

        // raw loop: list, read and parse, translate, upsert 1,000 per bulk write, rename each file once written; the
        // next 1,000 records are read while a bulk write and its renames run on a second thread, as the route does
        collection.drop();
        collection.createIndex(Indexes.ascending("number"), new IndexOptions().unique(true));
        Path inbound = Files.createDirectories(dir.resolve("baseline-inbound"));
        Path done = Files.createDirectories(dir.resolve("baseline-done"));
        moveAll(staging, inbound);
        WorkOrderTranslator translator = new WorkOrderTranslator();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "raw-loop-writer"));
        awaitJitQuiet();
        Map<String, Long> rawCpuBefore = BenchSupport.threadCpu();
        long t0 = System.nanoTime();
        List<Path> names;
        try (Stream<Path> list = Files.list(inbound)) {
            names = list.sorted().toList();
        }
        Future<?> writing = CompletableFuture.completedFuture(null);
        List<WriteModel<Document>> batch = new ArrayList<>(1000);
        List<Path> pending = new ArrayList<>();
        for (Path file : names) {
            JsonNode json = Fixtures.JSON.readTree(Files.readAllBytes(file));
            for (JsonNode record : json.isArray() ? json : List.of(json)) {
                Document doc = translator.toTracos(record);
                batch.add(new UpdateOneModel<>(Filters.eq("number", doc.get("number")), new Document("$set", doc), UPSERT));
                if (batch.size() == 1000) {
                    writing.get();
                    writing = writeThenRename(writer, collection, batch, pending, done);
                    batch = new ArrayList<>(1000);
                    pending = new ArrayList<>();
                }
            }
            pending.add(file);
        }
        writing.get();
        writeThenRename(writer, collection, batch, pending, done).get();
        long baseline = System.nanoTime() - t0;
        if (Boolean.getBoolean("bench.stats")) {
            System.out.println("CPU by thread while the raw loop ran (ms): " + BenchSupport.cpuSince(rawCpuBefore));
        }
        writer.shutdown();
        check(collection, records, count(done), files, "raw loop");

        // the route: files moved in while it is stopped, timed from its start until every file is in done
        collection.drop();
        Path routeInbound = Files.createDirectories(dir.resolve("inbound"));
        Path routeDone = dir.resolve("done");
        Map<String, String> properties = new HashMap<>();
        properties.put("mongo.uri", uri);
        properties.put("mongo.database", "bench");
        properties.put("http.port", "0");
        properties.put("workorders.inbound.dir", routeInbound.toString());
        properties.put("workorders.done.dir", routeDone.toString());
        properties.put("workorders.error.dir", dir.resolve("error").toString());
        properties.put("workorders.outbound.dir", dir.resolve("outbound").toString());
        properties.put("workorders.inbound.poll-ms", "50");
        properties.put("workorders.export.interval-ms", "3600000");
        properties.put("camel.main.routes-reload-enabled", "false");
        Main app = BenchSupport.startApp(properties);
        long route;
        long jitMs;
        try {
            app.getCamelContext().getRouteController().stopRoute("workorders-inbound");
            await("unique index", 30_000, () -> collection.listIndexes().into(new ArrayList<>()).size() > 1);
            // moved in once the route is stopped, so that no poll sees them before the clock starts
            moveAll(done, routeInbound);
            Path last = routeDone.resolve(names.get(names.size() - 1).getFileName());
            awaitJitQuiet();
            Map<String, Long> cpuBefore = BenchSupport.threadCpu();
            long jitBefore = JIT.getTotalCompilationTime();
            t0 = System.nanoTime();
            app.getCamelContext().getRouteController().startRoute("workorders-inbound");
            // the last name is the last file moved; listing 10,000 names every 5 ms would take a core from the route
            await("every file in done", 900_000, () -> Files.exists(last) && count(routeDone) == files);
            route = System.nanoTime() - t0;
            jitMs = JIT.getTotalCompilationTime() - jitBefore;
            if (Boolean.getBoolean("bench.stats")) {
                System.out.println("CPU by thread while the route ran (ms): " + BenchSupport.cpuSince(cpuBefore));
                // -Dbench.stats=true: the route's exchanges and processing times, as Hawtio shows them (the route has no step EIPs)
                System.out.println(app.getCamelContext().getCamelContextExtension().getContextPlugin(
                        org.apache.camel.api.management.ManagedCamelContext.class).getManagedRoute("workorders-inbound")
                        .dumpStepStatsAsXml(true));
            }
        } finally {
            app.stop();
        }
        check(collection, records, count(routeDone), files, "route");
        return new Result(files, records, baseline, route, jitMs);
    }

    /**
     * Waits (up to 10 s) until the JIT has compiled nothing for 300 ms: what starting the app queued (its YAML, its
     * beans, the HTTP server) is compiled in the background and would otherwise take a core from whatever is timed next.
     */
    private static void awaitJitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = JIT.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = JIT.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    private static void check(MongoCollection<Document> collection, long records, long doneFiles, long files, String what) {
        if (collection.countDocuments() != records || doneFiles != files) {
            throw new IllegalStateException(what + ": " + collection.countDocuments() + " documents for " + records
                    + " records, " + doneFiles + " files done of " + files);
        }
    }

    private static void moveAll(Path from, Path to) throws Exception {
        try (Stream<Path> list = Files.list(from)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                Files.move(file, to.resolve(file.getFileName()));
            }
        }
    }

    /** Upserts the records (if any), then renames the files whose records they complete, on the writer thread. */
    private static Future<?> writeThenRename(ExecutorService writer, MongoCollection<Document> collection,
                                             List<WriteModel<Document>> records, List<Path> files, Path done) {
        return writer.submit(() -> {
            if (!records.isEmpty()) {
                collection.bulkWrite(records);
            }
            renameAll(files, done);
            return null;
        });
    }

    /** The rename alone ({@code File.renameTo}), as the route renames: {@code Files.move} would first read both files' attributes. */
    private static void renameAll(List<Path> files, Path done) throws Exception {
        for (Path file : files) {
            if (!file.toFile().renameTo(done.resolve(file.getFileName()).toFile())) {
                throw new IllegalStateException("not renamed: " + file);
            }
        }
        files.clear();
    }
}
