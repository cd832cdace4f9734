package io.syncroutes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code java -jar sync-routes.jar}; anything else is refused with the usage.
 *
 * @param once       run the flows once and exit ({@code --once})
 * @param onceFlows  the flows named after {@code --once}; empty = every enabled flow
 * @param dryRun     every flow reads and decides, writes nothing and reports its plan ({@code --dry-run})
 */
record CommandLine(boolean help, boolean demo, boolean simulators, boolean once, List<String> onceFlows, boolean dryRun,
                   Map<String, String> properties, String error) {

    /** The flows, by the names {@code --once} takes. */
    static final Set<String> FLOWS = Set.of("workorders", "products", "cases", "resources", "unavailabilities");

    static final String USAGE = """
            Usage: java -jar sync-routes.jar [options] [--<setting>=<value>...]

            Runs every flow whose remote system is configured (see README: Configuration), until stopped.

            Options:
              --once [flow...]     run each enabled flow (or only those named: workorders, products, cases,
                                   resources, unavailabilities) once, then exit: 0 when every one succeeded, 1 with
                                   one line per flow otherwise
              --dry-run            every flow reads and decides as usual but writes nothing, and reports its plan
                                   (with --once: every flow's plan as one JSON document; exit 1 if one could not plan)
              --demo               run every flow against the project's simulators, with sample data flowing
              --simulators         run only the simulators of Ivanti, Intempus, the Focus API and Qargo (ports
                                   DEMO_*_PORT) and print their URLs and demo credentials
              --help               print this help and exit
              --<setting>=<value>  override a setting of application.properties, e.g. --http.port=9090
                                   (environment variables work too, e.g. HTTP_PORT=9090)
            """;

    static CommandLine parse(String... args) {
        boolean help = false;
        boolean demo = false;
        boolean simulators = false;
        boolean once = false;
        boolean dryRun = false;
        List<String> onceFlows = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--demo")) {
                demo = true;
            } else if (arg.equals("--simulators")) {
                simulators = true;
            } else if (arg.equals("--once")) {
                once = true;
            } else if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                properties.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (once && FLOWS.contains(arg)) {
                if (!onceFlows.contains(arg)) {
                    onceFlows.add(arg);
                }
            } else if (once && !arg.startsWith("-")) {
                return failed("unknown flow: " + arg + " (flows: workorders, products, cases, resources, unavailabilities)");
            } else {
                return failed("unknown option: " + arg);
            }
        }
        if (simulators && (demo || once || dryRun)) {
            return failed("--simulators runs only the simulators: it takes neither --demo, --once nor --dry-run");
        }
        if (dryRun) {
            properties.putIfAbsent("sync.dry-run", "true");
        }
        return new CommandLine(help, demo, simulators, once, List.copyOf(onceFlows), dryRun, properties, null);
    }

    private static CommandLine failed(String error) {
        return new CommandLine(false, false, false, false, List.of(), false, Map.of(), error);
    }
}
