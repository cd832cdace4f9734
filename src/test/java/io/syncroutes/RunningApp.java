package io.syncroutes;

import org.apache.camel.main.Main;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

/** The application started as {@code java -jar} would start it, in this JVM or its own, for tests and benchmarks that restart or kill it. */
public final class RunningApp {

    private RunningApp() {
    }

    /**
     * Starts the app in a JVM of its own (to kill it with SIGKILL), with these environment variables, the project's
     * routes folder, and its output appended to {@code log}.
     */
    public static Process startProcess(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), App.class.getName())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("ROUTES_DIR", new File("routes").getAbsolutePath());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Whether something listens on 127.0.0.1:{@code port}. */
    public static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts the app with these properties overriding application.properties. */
    public static Main start(Map<String, String> properties) throws Exception {
        Main main = new Main();
        App.configure(main.configure());
        properties.forEach(main::addOverrideProperty);
        main.start();
        return main;
    }
}
