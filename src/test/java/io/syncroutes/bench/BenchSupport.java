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
    /** Starts the app; {@code -Dbench.app.<property>=<value>} overrides one of its properties (to compare settings). */
    public static Main startApp(Map<String, String> properties) throws Exception {
        Map<String, String> all = new HashMap<>(properties);
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench.app."))
                .forEach(name -> all.put(name.substring("bench.app.".length()), System.getProperty(name)));
        return RunningApp.start(all);
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

    /** CPU time used so far by each live thread, by thread name with numbers removed (ns). */
    public static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long ns = threads.getThreadCpuTime(info.getThreadId());
                String name = info.getThreadName().replaceAll("\\d+", "N").replaceAll("file://.*", "file");
                cpu.merge(name + "#" + info.getThreadId(), Math.max(ns, 0), Long::sum);
            }
        }
        return cpu;
    }

    /** CPU time used by each thread since {@code before} (ms), busiest first, threads that used under 10 ms left out. */
    public static String cpuSince(Map<String, Long> before) {
        Map<String, Long> after = threadCpu();
        Map<String, Long> used = new java.util.TreeMap<>();
        after.forEach((thread, ns) -> {
            long delta = (ns - before.getOrDefault(thread, 0L)) / 1_000_000;
            if (delta >= 10) {
                used.merge(thread.substring(0, thread.lastIndexOf('#')), delta, Long::sum);
            }
        });
        return used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }
}
