package io.syncroutes.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.syncroutes.App;
import io.syncroutes.Fixtures;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.infra.EmbeddedMongo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static io.syncroutes.bench.BenchSupport.await;
import static io.syncroutes.bench.BenchSupport.figure;

/**
 * One huge inbound array file through the app in its own JVM with a small heap ({@code --xmx=256m}), against a
 * MongoDB-compatible server in this JVM: proves the file is streamed, never loaded whole. Run with
 * {@code bench/workorders.sh --big-file-mb=1024}.
 */
public final class BigFileBench {

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        long targetBytes = Long.parseLong(args.getOrDefault("big-file-mb", "1024")) * 1024 * 1024;
        String xmx = args.getOrDefault("xmx", "256m");
        Path work = Files.createTempDirectory("sync-routes-bigfile");
        Path inbound = Files.createDirectories(work.resolve("inbound"));
        Path done = work.resolve("done");

        Path file = work.resolve("huge.json");
        long records = 0;
        try (JsonGenerator json = Fixtures.JSON.getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            json.writeStartArray();
            while (true) {
                json.writeTree(Fixtures.workOrder((int) ++records, "2025-01-01T00:00:00.123456+02:00"));
                if (records % 10_000 == 0) {
                    json.flush();
                    if (Files.size(file) >= targetBytes) {
                        break;
                    }
                }
            }
            json.writeEndArray();
        }
        long size = Files.size(file);

        EmbeddedMongo server = new EmbeddedMongo(EmbeddedMongo.Backend.MEMORY, work.resolve("mongo"), "127.0.0.1", 0);
        server.start();
        Process app = null;
        try (MongoClient client = MongoClients.create(server.uri())) {
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                    "-cp", System.getProperty("java.class.path"), App.class.getName())
                    .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile());
            builder.environment().putAll(Map.of(
                    "MONGO_URI", server.uri(), "MONGO_DATABASE", "bench",
                    "HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort()),
                    "ROUTES_DIR", new File("routes").getAbsolutePath(),
                    "DATA_INBOUND_DIR", inbound.toString(), "DATA_DONE_DIR", done.toString(),
                    "DATA_ERROR_DIR", work.resolve("error").toString(),
                    "DATA_OUTBOUND_DIR", work.resolve("outbound").toString(),
                    "WORKORDERS_EXPORT_INTERVAL_MS", "86400000"));
            app = builder.start();
            Process running = app;
            await("the app's unique index", 120_000, () -> client.getDatabase("bench").getCollection("workorders")
                    .listIndexes().into(new java.util.ArrayList<>()).size() > 1 || !running.isAlive());

            long t0 = System.nanoTime();
            Files.move(file, inbound.resolve("huge.json"));
            await("the huge file in done", 3_600_000, () -> Files.exists(done.resolve("huge.json")) || !running.isAlive());
            long nanos = System.nanoTime() - t0;
            if (!app.isAlive()) {
                throw new IllegalStateException("the app died; see " + work.resolve("app.log"));
            }
            long peakRssKb = Files.readAllLines(Path.of("/proc", String.valueOf(app.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong).findFirst().orElse(-1);
            long count = client.getDatabase("bench").getCollection("workorders").countDocuments();
            if (count != records) {
                throw new IllegalStateException("expected " + records + " documents, found " + count);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "one %,d MB array file, %,d records, app -Xmx%s, mongo-java-server memory backend (separate JVM)%n",
                    size / 1024 / 1024, records, xmx);
            System.out.println(figure("inbound route (streamed)", records, nanos));
            System.out.printf(Locale.ROOT, "app peak RSS %,d MB, no OutOfMemoryError, every record in MongoDB%n", peakRssKb / 1024);
        } finally {
            if (app != null) {
                app.destroy();
                app.waitFor();
            }
            server.stop();
            BenchSupport.delete(work);
        }
    }
}
