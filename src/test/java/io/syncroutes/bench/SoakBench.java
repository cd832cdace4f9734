package io.syncroutes.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Every flow at once for a while, with the remote systems misbehaving on a schedule: the app ({@code java -jar}) in its
 * own JVM, fed work-order files and product messages, its remote data changing; sampled every 10 s; at the end, what
 * every input became, the remote copies, and whether heap, threads and file descriptors stayed flat. Exit 1 on any miss.
 * <pre>bench/soak.sh [--minutes=60] [--report=target/soak] [--rabbitmq=HOST:PORT] [--faults=all|none|5xx,429,...]
 *     [--files-per-s=4] [--products-per-s=10] [--xmx=384m] [--mongo-in-app]</pre>
 */
public final class SoakBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SETTLE_MS = 150_000;

    private SoakBench() {
    }

    public static void main(String... args) throws Exception {
        Map<String, String> options = BenchSupport.args(args);
        double minutes = Double.parseDouble(options.getOrDefault("minutes", "60"));
        Path report = Path.of(options.getOrDefault("report", "target/soak")).toAbsolutePath();
        String faultOption = options.getOrDefault("faults", "all");
        Set<String> faults = new HashSet<>(faultOption.equals("all") ? SoakFaults.ALL
                : faultOption.equals("none") ? List.of() : Arrays.asList(faultOption.split(",")));
        BenchSupport.delete(report);
        Files.createDirectories(report);
        long seconds = Math.round(minutes * 60);
        boolean passed;
        String rabbitmq = options.getOrDefault("rabbitmq", "");
        try (SoakRemotes remotes = new SoakRemotes(60);
             SoakApp app = new SoakApp(report.resolve("run"), options.getOrDefault("rabbitmq", ""), options.containsKey("mongo-in-app"))) {
            Map<String, String> env = new HashMap<>(remotes.env());
            env.putAll(settings());
            System.out.printf(Locale.ROOT, "soak: %.1f min, faults %s, broker %s, MongoDB %s; report in %s%n", minutes, faults,
                    options.getOrDefault("rabbitmq", "embedded (in the app)"),
                    options.containsKey("mongo-in-app") ? "embedded H2 in the app (no freeze)" : "mongo-java-server H2 behind a freezable proxy", report);
            app.start(env, options.getOrDefault("xmx", "384m"));
            SoakLoad load = new SoakLoad(app.work.resolve("inbound"), app.brokerHost, app.brokerPort, app.queue);
            load.connect();
            SoakSampler sampler = new SoakSampler(app, load, report.resolve("samples.csv"), reference(seconds));
            sampler.start(10_000);
            SoakFaults schedule = new SoakFaults(remotes, app, faults, sampler);
            schedule.schedule(seconds);
            run(seconds, sampler, load, remotes, options);
            schedule.close();
            System.out.printf(Locale.ROOT, "%6.0f s  load and faults stopped: %,d files (%,d records), %,d products; settling%n",
                    sampler.seconds(), load.files(), load.records, load.validProducts.size() + load.invalidProducts.size());
            settle(app, remotes, load, sampler);
            sampler.sample();
            sampler.close();
            SoakChecks checks = check(app, remotes, load, sampler, seconds, schedule);
            String title = String.format(Locale.ROOT, "sync-routes soak, %.0f min, %s", minutes, passed(checks));
            SoakChart.write(sampler.samples(), schedule.times(), title, report.resolve("soak.png"));
            String table = checks.table();
            Files.writeString(report.resolve("checks.md"), table + "\nfaults:\n" + String.join("\n", schedule.log()) + "\n");
            System.out.println(table);
            System.out.println("samples: " + report.resolve("samples.csv") + ", chart: " + report.resolve("soak.png"));
            passed = checks.passed();
            load.close();
        } finally {
            if (!rabbitmq.isBlank()) {
                SoakLoad.deleteSoakQueues(rabbitmq);
            }
        }
        System.exit(passed ? 0 : 1);
    }

    /** When heap, threads and the like are compared with the end: minute 10, or a third of a shorter run (seconds). */
    private static double reference(long seconds) {
        return Math.min(600, seconds / 3.0);
    }

    /** Series grouped by metric name, e.g. {@code jvm_gc_pause_seconds_count x2}. */
    private static String byName(List<String> series) {
        Map<String, Long> names = new TreeMap<>();
        series.forEach(line -> names.merge(line.contains("{") ? line.substring(0, line.indexOf('{')) : line, 1L, Long::sum));
        return names.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String passed(SoakChecks checks) {
        long missed = checks.all().stream().filter(c -> !c.passed()).count();
        return missed == 0 ? "every check passed" : missed + " check(s) missed";
    }

    /** The soak's settings of the app: short intervals and timeouts so that every fault and change shows within minutes. */
    private static Map<String, String> settings() {
        Map<String, String> env = new HashMap<>();
        for (String flow : new String[] {"IVANTI", "INTEMPUS", "FOCUS", "QARGO"}) {
            env.put(flow + "_REQUEST_TIMEOUT_MS", "3000");
        }
        env.put("INTEMPUS_SYNC_INTERVAL_MS", "3000");
        env.put("INTEMPUS_FULL_SYNC_INTERVAL_MS", "30000");
        env.put("FOCUS_SYNC_INTERVAL_MS", "5000");
        env.put("QARGO_SYNC_INTERVAL_MS", "20000");
        env.put("QARGO_SYNC_DELAY_MS", "2000");
        env.put("QARGO_REQUEST_BUDGET", "400");
        env.put("IVANTI_BREAKER_WINDOW_MS", "20000");
        env.put("IVANTI_BREAKER_PROBE_DELAY_MS", "2000");
        env.put("IVANTI_BREAKER_PROBE_MAX_DELAY_MS", "8000");
        env.put("PRODUCTS_STATS_INTERVAL_MS", "10000");
        return env;
    }

    /** Drops files and publishes products at their rates, and changes the remote data every 5 s, for {@code seconds}. */
    private static void run(long seconds, SoakSampler sampler, SoakLoad load, SoakRemotes remotes, Map<String, String> options) throws Exception {
        double filesPerSecond = Double.parseDouble(options.getOrDefault("files-per-s", "4"));
        double productsPerSecond = Double.parseDouble(options.getOrDefault("products-per-s", "10"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread products = new Thread(() -> paced(stop, productsPerSecond, () -> load.publishProduct()), "soak-products");
        products.start();
        long nextChange = 0;
        long started = System.nanoTime();
        long files = 0;
        while (sampler.seconds() < seconds) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (files < elapsed * filesPerSecond) {
                load.dropFile();
                files++;
            } else {
                Thread.sleep(20);
            }
            if (elapsed * 1000 >= nextChange) {
                remotes.change();
                nextChange += 5000;
            }
        }
        stop.set(true);
        products.join();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void paced(AtomicBoolean stop, double perSecond, Step step) {
        long started = System.nanoTime();
        long done = 0;
        while (!stop.get()) {
            try {
                if (done < (System.nanoTime() - started) / 1e9 * perSecond) {
                    step.run();
                    done++;
                } else {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("load: " + e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Waits (at most SETTLE_MS) until every input is through and every remote copy equals its simulator after a last run. */
    private static void settle(SoakApp app, SoakRemotes remotes, SoakLoad load, SoakSampler sampler) throws Exception {
        try {
            ArrayNode run = JSON.createArrayNode();
            run.addObject().put("type", "exec").put("mbean", "io.syncroutes:type=Operations,flow=unavailabilities").put("operation", "runNow()");
            app.jolokia(run);
        } catch (Exception e) {
            System.out.println("unavailabilities runNow: " + e.getMessage());
        }
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        while (System.currentTimeMillis() < deadline) {
            List<String> waiting = waiting(app, remotes, load);
            if (waiting.isEmpty()) {
                System.out.printf(Locale.ROOT, "%6.0f s  settled%n", sampler.seconds());
                return;
            }
            Thread.sleep(1000);
        }
        System.out.printf(Locale.ROOT, "%6.0f s  not settled within %d s: %s%n", sampler.seconds(), SETTLE_MS / 1000, waiting(app, remotes, load));
    }

    private static List<String> waiting(SoakApp app, SoakRemotes remotes, SoakLoad load) {
        List<String> waiting = new ArrayList<>();
        if (BenchSupport.count(app.work.resolve("inbound")) > 0) {
            waiting.add("inbound files");
        }
        if (load.depth(app.queue) != 0) {
            waiting.add("products queued");
        }
        if (!remotes.ivanti.products().keySet().containsAll(load.validProducts)) {
            waiting.add("products not at Ivanti");
        }
        if (app.db().getCollection("workorders").countDocuments(new Document("isSynced", false)) > 0) {
            waiting.add("work orders not exported");
        }
        if (!remotes.casesDiffering(app.db()).isEmpty()) {
            waiting.add("cases");
        }
        if (!remotes.focusDiffering(app.db()).isEmpty()) {
            waiting.add("focus rows");
        }
        if (!remotes.unavailabilitiesDiffering().isEmpty()) {
            waiting.add("unavailabilities");
        }
        return waiting;
    }

    private static SoakChecks check(SoakApp app, SoakRemotes remotes, SoakLoad load, SoakSampler sampler, long seconds,
                                    SoakFaults schedule) throws Exception {
        SoakChecks checks = new SoakChecks();
        checks.add("app running throughout", "alive", app.alive() ? "alive" : "ended", app.alive());
        checks.workOrders(app, load);
        checks.rejections(app, load);
        long queued = load.depth(app.queue);
        checks.products(remotes, load, load.drainDeadLetters(), queued);
        checks.remoteCopy("cases", remotes.intempus.size(), remotes.casesDiffering(app.db()));
        checks.remoteCopy("Focus rows", remotes.focus.rowCount(SoakRemotes.RESOURCE), remotes.focusDiffering(app.db()));
        checks.remoteCopy("Qargo unavailabilities", remotes.unavailabilityCount(), remotes.unavailabilitiesDiffering());
        checks.inbound(app.work.resolve("inbound"), 2_000);
        double reference = reference(seconds);
        double end = sampler.seconds();
        checks.flat("heap after GC, minute " + Math.round(reference / 60) + " -> end", sampler.median(reference - 20, reference + 20, SoakSampler.Sample::heapMb),
                sampler.median(end - 35, end, SoakSampler.Sample::heapMb), 0.10, "MB");
        checks.flat("JVM threads, minute " + Math.round(reference / 60) + " -> end", sampler.median(reference - 20, reference + 20, s -> s.jvmThreads()),
                sampler.median(end - 35, end, s -> s.jvmThreads()), 0.10, "");
        double fdsRef = sampler.median(reference - 20, reference + 20, s -> s.fds());
        double fdsEnd = sampler.median(end - 35, end, s -> s.fds());
        checks.add("open fds not growing", String.format(Locale.ROOT, "<= %.0f + 10 %%", fdsRef), String.format(Locale.ROOT, "%.0f", fdsEnd),
                fdsEnd <= fdsRef * 1.1);
        for (String what : new String[] {"metric series", "MBeans"}) {
            ToDoubleFunction<SoakSampler.Sample> figure = what.equals("MBeans") ? s -> s.mbeans() : s -> s.metricSeries();
            double before = sampler.median(reference - 20, reference + 20, figure);
            double after = sampler.median(end - 35, end, figure);
            List<String> added = what.equals("MBeans") ? List.of() : sampler.seriesAddedSinceReference();
            checks.add(what + " not growing", String.format(Locale.ROOT, "<= %.0f + 10 %%", before), String.format(Locale.ROOT, "%.0f", after)
                    + (added.isEmpty() ? "" : ", new: " + byName(added)), after <= before * 1.1);
        }
        long slowest = sampler.samples().stream().mapToLong(SoakSampler.Sample::readyMs).max().orElse(-1);
        long unanswered = sampler.samples().stream().filter(s -> s.readyStatus() < 0).count();
        checks.add("readiness answered < 1 s throughout", "< 1000 ms", "max " + slowest + " ms, " + unanswered + " unanswered",
                slowest >= 0 && slowest < 1000 && unanswered == 0);
        if (schedule.log().stream().anyMatch(line -> line.matches(".*s  (5xx|429|slow|drop):.*"))) {
            String met = remotes.proxies.stream().map(p -> p.name() + " " + p.faulted()).collect(Collectors.joining(", "));
            checks.add("every remote met its faults", "> 0 requests each", met, remotes.proxies.stream().allMatch(p -> p.faulted() > 0));
        }
        return checks;
    }
}
