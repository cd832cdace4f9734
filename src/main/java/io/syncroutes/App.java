package io.syncroutes;

import io.syncroutes.cases.CasesConfiguration;
import io.syncroutes.demo.DemoConfiguration;
import io.syncroutes.demo.SimulatorsOnly;
import io.syncroutes.infra.InfraConfiguration;
import io.syncroutes.infra.LogMasking;
import io.syncroutes.infra.RoutesLocation;
import io.syncroutes.products.ProductsConfiguration;
import io.syncroutes.resources.ResourcesConfiguration;
import io.syncroutes.unavailabilities.UnavailabilitiesConfiguration;
import io.syncroutes.workorders.WorkOrdersConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

import java.nio.file.Path;
import java.util.Set;

/** Runs sync-routes: camel-main, the YAML routes in {@code routes/}, and the beans of each flow ({@code --demo}: demo mode). */
public final class App {

    private static final Set<String> LOG_FORMATS = Set.of("text", "json");

    private App() {
    }

    public static void main(String... args) throws Exception {
        CommandLine command = CommandLine.parse(args);
        if (command.error() != null) {
            System.err.println(command.error() + System.lineSeparator() + System.lineSeparator() + CommandLine.USAGE);
            System.exit(2);
        }
        if (command.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        // checked before the first log line: logback picks its appender by LOG_FORMAT
        String logFormat = System.getenv().getOrDefault("LOG_FORMAT", "text");
        if (!LOG_FORMATS.contains(logFormat)) {
            System.err.println("LOG_FORMAT must be text or json, not '" + logFormat + "'");
            System.exit(2);
        }
        if (command.simulators()) {
            SimulatorsOnly.run(command.properties(), System.out);
            return;
        }
        Main main = new Main();
        if (!RoutesLocation.configure(main, System.getenv("ROUTES_DIR"), Path.of(""))) {
            System.exit(2);
        }
        configure(main.configure());
        if (logFormat.equals("json")) {
            // JSON lines name the route they were logged in (Camel's MDC)
            main.addOverrideProperty("camel.main.use-mdc-logging", "true");
        }
        if (command.demo()) {
            main.addOverrideProperty("sync.demo", "true");
        }
        command.properties().forEach(main::addOverrideProperty);
        if (command.once()) {
            System.exit(once(main, command));
        }
        try {
            main.run();
        } catch (Exception e) {
            // a route file that cannot be loaded, a setting that fails its check: one line, and the JVM exits (the
            // embedded servers started so far would keep it running otherwise)
            System.err.println("sync-routes did not start: " + LogMasking.mask(reason(e)));
            System.exit(1);
        }
    }

    /** The innermost message of a failure (Camel wraps the cause in several layers). */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** {@code --once}: starts the app, runs the flows once, stops it; the exit status (2: it did not start). */
    private static int once(Main main, CommandLine command) {
        OnceRun.prepare(main, command.properties());
        try {
            main.start();
        } catch (Exception e) {
            System.out.println("once: the app did not start: " + LogMasking.mask(String.valueOf(e.getMessage())));
            return 2;
        }
        try {
            return OnceRun.run(main.getCamelContext(), command.onceFlows(), command.dryRun(), System.out);
        } catch (Exception e) {
            System.out.println("once: failed: " + LogMasking.mask(String.valueOf(e.getMessage())));
            return 1;
        } finally {
            main.stop();
        }
    }

    /** Adds the configuration classes of the infrastructure, the demo and every flow, in that order (tests call this too). */
    public static void configure(MainConfigurationProperties config) {
        config.addConfiguration(InfraConfiguration.class);
        config.addConfiguration(DemoConfiguration.class);
        config.addConfiguration(WorkOrdersConfiguration.class);
        config.addConfiguration(ProductsConfiguration.class);
        config.addConfiguration(CasesConfiguration.class);
        config.addConfiguration(ResourcesConfiguration.class);
        config.addConfiguration(UnavailabilitiesConfiguration.class);
    }
}
