package io.syncroutes.bench;

import io.syncroutes.RunningApp;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers of the benchmarks: arguments, the app started in-process, timing and the printed figures. */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** {@code --name=value} arguments. */
    public static Map<String, String> args(String... args) {
        Map<String, String> map = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            map.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        return map;
    }

    /** Starts the application as {@code java -jar} would, with these properties overriding application.properties. */
    public static Main startApp(Map<String, String> properties) throws Exception {
        return RunningApp.start(properties);
    }

    public static void await(String what, long timeoutMs, BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    public static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    public static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static double perSecond(long records, long nanos) {
        return records / (nanos / 1e9);
    }

    public static String figure(String name, long records, long nanos) {
        return String.format(Locale.ROOT, "%-44s %,10d records in %7.2f s = %,10.0f records/s",
                name, records, nanos / 1e9, perSecond(records, nanos));
    }

    public static String ratio(String name, long appNanos, long baselineNanos) {
        return String.format(Locale.ROOT, "%-44s %6.1f %% of baseline", name, 100.0 * baselineNanos / appNanos);
    }
}
