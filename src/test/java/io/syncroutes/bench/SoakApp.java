package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.infra.EmbeddedMongo;
import io.syncroutes.infra.FreezableTcpProxy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The application under soak: {@code java -jar target/sync-routes.jar} in its own JVM, every flow pointed at the
 * simulators, the embedded broker (or a real RabbitMQ), and MongoDB: mongo-java-server on H2 in the soak's JVM behind
 * a {@link FreezableTcpProxy} (so it can be frozen), or with {@code mongoInApp} the app's own embedded store.
 */
final class SoakApp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> QUEUES = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final Path work;
    final Path storeDir;
    final int httpPort = SyncRoutesTestSupport.freePort();
    final String brokerHost;
    final int brokerPort;
    final String queue;
    private final EmbeddedMongo mongo;
    private final FreezableTcpProxy mongoProxy;
    private final int mongoPort;
    private final MongoClient client;
    private Process process;
    private MBeanServerConnection jmx;

    SoakApp(Path work, String rabbitmq, boolean mongoInApp) throws Exception {
        this.work = work;
        storeDir = work.resolve("mongo");
        if (mongoInApp) {
            mongo = null;
            mongoProxy = null;
            mongoPort = SyncRoutesTestSupport.freePort();
        } else {
            mongo = new EmbeddedMongo(EmbeddedMongo.Backend.H2, storeDir, "127.0.0.1", 0);
            mongo.start();
            mongoPort = Integer.parseInt(mongo.uri().substring(mongo.uri().lastIndexOf(':') + 1));
            mongoProxy = new FreezableTcpProxy(mongoPort);
        }
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoPort + "/?serverSelectionTimeoutMS=60000");
        if (rabbitmq.isBlank()) {
            brokerHost = "127.0.0.1";
            brokerPort = SyncRoutesTestSupport.freePort();
            queue = "products_queue";
        } else {
            brokerHost = rabbitmq.substring(0, rabbitmq.lastIndexOf(':'));
            brokerPort = Integer.parseInt(rabbitmq.substring(rabbitmq.lastIndexOf(':') + 1));
            queue = "soak_products_" + System.currentTimeMillis();
            QUEUES.add(queue);
        }
    }

    /** The queues of their own the soak's apps used on a real RabbitMQ. */
    static List<String> queuesUsed() {
        return List.copyOf(QUEUES);
    }

    boolean canFreezeMongo() {
        return mongoProxy != null;
    }

    void freezeMongo() {
        mongoProxy.freeze();
    }

    void thawMongo() {
        if (mongoProxy != null) {
            mongoProxy.thaw();
        }
    }

    /** Starts the jar with these settings (beside the soak's own) and waits until it is ready. */
    void start(Map<String, String> settings, String xmx) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
        for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
            env.put("DATA_" + dir.toUpperCase() + "_DIR", Files.createDirectories(work.resolve(dir)).toString());
        }
        if (mongoProxy != null) {
            env.put("MONGO_URI", "mongodb://127.0.0.1:" + mongoProxy.port());
        } else {
            env.put("MONGO_EMBEDDED_BACKEND", "h2");
            env.put("MONGO_EMBEDDED_DIR", storeDir.toString());
            env.put("MONGO_EMBEDDED_PORT", String.valueOf(mongoPort));
        }
        if (queue.equals("products_queue")) {
            env.put("RABBITMQ_EMBEDDED_PORT", String.valueOf(brokerPort));
            env.put("RABBITMQ_EMBEDDED_DIR", work.resolve("amqp").toString());
        } else {
            env.put("RABBITMQ_HOST", brokerHost);
            env.put("RABBITMQ_PORT", String.valueOf(brokerPort));
            env.put("RABBITMQ_QUEUE", queue);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-jar", Path.of("target", "sync-routes.jar").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("app.log").toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        BenchSupport.await("the app ready on port " + httpPort, 180_000, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app ended at start (exit " + process.exitValue() + "), see " + work.resolve("app.log"));
            }
            return readiness() == 200;
        });
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    MongoDatabase db() {
        return client.getDatabase("tractian");
    }

    /** The status of {@code /observe/health/ready} (-1: no answer within 5 s). */
    int readiness() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** One Jolokia bulk request on {@code /observe/jolokia} (loopback: no credentials); each answer's value. */
    List<JsonNode> jolokia(ArrayNode requests) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/jolokia/"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(requests.toString()))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode answer : JSON.readTree(response.body())) {
            if (answer.path("status").asInt() != 200) {
                throw new IOException("jolokia: " + answer.path("error").asText(answer.toString()));
            }
            values.add(answer.path("value"));
        }
        return values;
    }

    /**
     * The app's JVM over JMX (attached as jcmd does: the management endpoints' Jolokia allows no operation on
     * java.lang, rightly), opened at the first call.
     */
    MBeanServerConnection jmx() throws IOException {
        if (jmx == null) {
            try {
                VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid()));
                String address = vm.startLocalManagementAgent();
                vm.detach();
                jmx = JMXConnectorFactory.connect(new JMXServiceURL(address)).getMBeanServerConnection();
            } catch (AttachNotSupportedException e) {
                throw new IOException(e);
            }
        }
        return jmx;
    }

    /** Heap used right after a full GC (MB), and the JVM's live threads. */
    double[] heapAfterGcAndThreads() throws IOException {
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(jmx(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        memory.gc();
        return new double[] {memory.getHeapMemoryUsage().getUsed() / 1048576.0, threads.getThreadCount()};
    }

    /** MBeans registered in the app's JVM (Camel registers one per endpoint, route, processor...). */
    long mbeans() {
        try {
            return jmx().getMBeanCount();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Series (lines that are not comments, without their value) on {@code /observe/metrics}: grows if anything is tagged per id. */
    Set<String> metricSeries() {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.substring(0, line.lastIndexOf(' '))).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    /** Bytes of the MongoDB store's files. */
    long storeBytes() {
        try (Stream<Path> files = Files.walk(storeDir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A line of /proc/{pid}/status, e.g. {@code VmRSS} (kB) or {@code Threads}; -1 when unreadable. */
    long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return -1;
    }

    long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        client.close();
        if (mongoProxy != null) {
            mongoProxy.close();
        }
        if (mongo != null) {
            mongo.stop();
        }
    }
}
