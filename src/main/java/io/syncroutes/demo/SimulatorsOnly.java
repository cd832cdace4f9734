package io.syncroutes.demo;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code --simulators}: only the four simulators, on the ports of DEMO_*_PORT, with their demo data changing as in the
 * demo, until stopped; prints each one's URL and the settings that point sync-routes (or any client) at it.
 */
public final class SimulatorsOnly {

    private SimulatorsOnly() {
    }

    /** Runs until the JVM is asked to stop; {@code overrides} are command-line settings. */
    public static void run(Map<String, String> overrides, PrintStream out) throws Exception {
        PropertiesComponent properties;
        try (DefaultCamelContext settingsOnly = new DefaultCamelContext()) {
            properties = settingsOnly.getPropertiesComponent();
            properties.setLocation("classpath:application.properties");
            overrides.forEach(properties::addOverrideProperty);
            DemoSimulators demo = DemoSimulators.start(key -> properties.resolveProperty(key).orElse("").trim());
            ScheduledExecutorService changes = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "simulator-data-changes");
                thread.setDaemon(true);
                return thread;
            });
            long focusPeriod = Long.parseLong(properties.resolveProperty("demo.focus.period-ms").orElseThrow());
            long qargoPeriod = Long.parseLong(properties.resolveProperty("demo.qargo.change-period-ms").orElseThrow());
            double qargoShare = Double.parseDouble(properties.resolveProperty("demo.qargo.change-share").orElseThrow());
            changes.scheduleAtFixedRate(() -> demo.focus().randomChange("promotions"), focusPeriod, focusPeriod, TimeUnit.MILLISECONDS);
            changes.scheduleAtFixedRate(() -> demo.qargo().changeMasterData(qargoShare), qargoPeriod, qargoPeriod, TimeUnit.MILLISECONDS);

            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                changes.shutdownNow();
                demo.close();
                stopped.countDown();
            }, "simulators-stop"));
            out.println("Simulators running (Ctrl-C stops them). Their demo credentials, as the settings of sync-routes:");
            for (DemoSimulators.Simulator simulator : demo.simulators()) {
                out.println();
                out.println(simulator.system() + " on " + simulator.url());
                out.println("  " + simulator.settings().stream().filter(setting -> !setting.value().isEmpty())
                        .map(setting -> setting.variable() + "=" + setting.value()).collect(Collectors.joining(" ")));
            }
            out.flush();
            stopped.await();
        }
    }
}
