package io.syncroutes;

import org.apache.camel.main.Main;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The application started as {@code java -jar} would start it, in this JVM or its own, for tests and benchmarks that restart or kill it. */
public final class RunningApp {

    private RunningApp() {
    }

    /**
     * Starts the app in a JVM of its own (to kill it with SIGKILL), with these environment variables, the project's
     * routes folder, these command-line arguments, and its output appended to {@code log}.
     */
    public static Process startProcess(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), App.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("ROUTES_DIR", new File("routes").getAbsolutePath());
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * The environment of one of several instances sharing {@code shared} (its work-order folders and the cluster lock
     * files, CLUSTER_SERVICE=file) and one MongoDB, serving HTTP on {@code httpPort}.
     */
    public static Map<String, String> clusterEnv(Path shared, String mongoUri, int httpPort) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("MONGO_URI", mongoUri);
        env.put("ROUTES_RELOAD", "false");
        env.put("CLUSTER_SERVICE", "file");
        env.put("CLUSTER_FILE_ROOT", shared.resolve("cluster").toString());
        putDataDirs(env, shared);
        return env;
    }

    /** The environment of an app process on the embedded defaults (memory backend, any free ports), folders in {@code tmp}. */
    public static Map<String, String> embeddedEnv(Path tmp) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort()));
        env.put("MONGO_EMBEDDED_BACKEND", "memory");
        env.put("MONGO_EMBEDDED_PORT", "0");
        putDataDirs(env, tmp);
        return env;
    }

    private static void putDataDirs(Map<String, String> env, Path dir) {
        for (String name : new String[] {"inbound", "done", "error", "outbound"}) {
            env.put("DATA_" + name.toUpperCase(java.util.Locale.ROOT) + "_DIR", dir.resolve(name).toString());
        }
    }

    /** Properties of an app on the embedded defaults (memory backend, any free ports) with its folders in {@code tmp}. */
    public static Map<String, String> embeddedProperties(Path tmp) {
        Map<String, String> props = new java.util.HashMap<>();
        props.put("mongo.uri", "");
        props.put("mongo.embedded.backend", "memory");
        props.put("mongo.embedded.port", "0");
        props.put("http.port", String.valueOf(SyncRoutesTestSupport.freePort()));
        for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
            props.put("workorders." + dir + ".dir", tmp.resolve(dir).toString());
        }
        return props;
    }

    /** An embedded AMQP broker of the app's own, in memory, on a free port (a one-shot run in the test's JVM). */
    public static Map<String, String> withEmbeddedBroker(Map<String, String> props, Path tmp) {
        props.put("rabbitmq.host", "");
        props.put("rabbitmq.embedded.port", String.valueOf(SyncRoutesTestSupport.freePort()));
        props.put("rabbitmq.embedded.store", "memory");
        props.put("rabbitmq.embedded.dir", tmp.resolve("amqp").toString());
        return props;
    }

    /** An app started as {@code --once} does, in the test's JVM, with these settings. */
    public static Main onceApp(Map<String, String> props) throws Exception {
        Main main = new Main();
        App.configure(main.configure());
        props.forEach(main::addOverrideProperty);
        OnceRun.prepare(main, props);
        main.start();
        return main;
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
