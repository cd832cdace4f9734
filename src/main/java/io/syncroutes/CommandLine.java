package io.syncroutes;

import java.util.LinkedHashMap;
import java.util.Map;

/** The options of {@code java -jar sync-routes.jar}; anything else is refused with the usage. */
record CommandLine(boolean help, boolean demo, boolean simulators, Map<String, String> properties, String error) {

    static final String USAGE = """
            Usage: java -jar sync-routes.jar [options] [--<setting>=<value>...]

            Runs every flow whose remote system is configured (see README: Configuration), until stopped.

            Options:
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
        Map<String, String> properties = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--demo")) {
                demo = true;
            } else if (arg.equals("--simulators")) {
                simulators = true;
            } else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                properties.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                return new CommandLine(false, false, false, Map.of(), "unknown option: " + arg);
            }
        }
        if (demo && simulators) {
            return new CommandLine(false, false, false, Map.of(), "--demo and --simulators exclude each other");
        }
        return new CommandLine(help, demo, simulators, properties, null);
    }
}
