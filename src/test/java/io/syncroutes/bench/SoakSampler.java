package io.syncroutes.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Samples the app every interval: RSS, open file descriptors and OS threads from /proc; heap used after a full GC and
 * JVM threads over JMX; the store's size, queue depths, files waiting in
 * inbound, the readiness answer's time, and the metric series and MBeans (both grow when something is kept per id).
 */
final class SoakSampler implements AutoCloseable {

    static final String HEADER = "seconds,rss_mb,heap_after_gc_mb,jvm_threads,os_threads,open_fds,store_mb,queue,dlq,inbound_files,ready_ms,ready_status,metric_series,mbeans";

    /** One sample; -1 where a figure could not be read. */
    record Sample(double seconds, double rssMb, double heapMb, long jvmThreads, long osThreads, long fds, double storeMb,
                  long queue, long dlq, long inbound, long readyMs, int readyStatus, long metricSeries, long mbeans) {
        String csv() {
            return String.format(Locale.ROOT, "%.0f,%.1f,%.1f,%d,%d,%d,%.2f,%d,%d,%d,%d,%d,%d,%d", seconds, rssMb, heapMb, jvmThreads,
                    osThreads, fds, storeMb, queue, dlq, inbound, readyMs, readyStatus, metricSeries, mbeans);
        }
    }

    private final SoakApp app;
    private final SoakLoad load;
    private final Path csv;
    private final long started = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final double referenceSeconds;
    private Set<String> referenceSeries;
    private Set<String> lastSeries = Set.of();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "soak-sampler");
        thread.setDaemon(true);
        return thread;
    });

    SoakSampler(SoakApp app, SoakLoad load, Path csv, double referenceSeconds) throws IOException {
        this.app = app;
        this.referenceSeconds = referenceSeconds;
        this.load = load;
        this.csv = csv;
        Files.writeString(csv, HEADER + "\n");
    }

    void start(long intervalMs) {
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (Exception e) {
            System.out.println("sample failed: " + e);
        }
    }

    /** Takes one sample now (also called once more at the end). */
    synchronized Sample sample() throws IOException {
        double at = seconds();
        long readyStarted = System.nanoTime();
        int readyStatus = app.readiness();
        long readyMs = (System.nanoTime() - readyStarted) / 1_000_000;
        double heapMb = -1;
        long jvmThreads = -1;
        try {
            double[] jvm = app.heapAfterGcAndThreads();
            heapMb = jvm[0];
            jvmThreads = (long) jvm[1];
        } catch (IOException | RuntimeException e) {
            System.out.println("jmx: " + e.getMessage());
        }
        Set<String> series = app.metricSeries();
        if (referenceSeries == null && at >= referenceSeconds) {
            referenceSeries = series;
        }
        lastSeries = series;
        Sample sample = new Sample(at, app.procStatus("VmRSS") / 1024.0, heapMb, jvmThreads, app.procStatus("Threads"),
                app.openFiles(), app.storeBytes() / 1048576.0, load.depth(app.queue), load.depth(app.queue + "_dlq"),
                BenchSupport.count(app.work.resolve("inbound")), readyMs, readyStatus, series.isEmpty() ? -1 : series.size(), app.mbeans());
        samples.add(sample);
        Files.writeString(csv, sample.csv() + "\n", StandardOpenOption.APPEND);
        return sample;
    }

    /** Metric series in the last sample that the first sample at the reference time did not have. */
    synchronized List<String> seriesAddedSinceReference() {
        Set<String> added = new TreeSet<>(lastSeries);
        added.removeAll(referenceSeries == null ? Set.of() : referenceSeries);
        return List.copyOf(added);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The median of {@code figure} over the samples between {@code from} and {@code to} seconds (NaN: none). */
    synchronized double median(double from, double to, ToDoubleFunction<Sample> figure) {
        double[] values = samples.stream().filter(s -> s.seconds() >= from && s.seconds() <= to).mapToDouble(figure)
                .filter(v -> v >= 0).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
