package io.syncroutes.infra;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded AMQP 0-9-1 broker (Apache Qpid Broker-J) used when no RABBITMQ_HOST is configured. With the
 * {@code DERBY} store its queues and persistent messages survive a restart, a crash or a kill of the app (not a
 * power loss: commits are not forced to disk). It starts on a thread of its own while the app's other start-up work
 * goes on; connections made through {@link #clientConnectionFactory()} wait for it.
 */
public final class EmbeddedAmqpBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAmqpBroker.class);

    /** Where messages are kept: {@code DERBY} on disk under the data folder, {@code Memory} nowhere. */
    public enum Store { DERBY, MEMORY }

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Store store;
    private final Path workDir;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private SystemLauncher launcher;

    public EmbeddedAmqpBroker(String host, int port, String user, String password, Store store, Path workDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.store = store;
        this.workDir = workDir;
    }

    /** Starts the broker on the thread {@code embedded-amqp-start}; {@link #start()} meanwhile waits for it. */
    public void startInBackground() {
        Thread starter = new Thread(() -> {
            try {
                start();
                started.complete(null);
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
            }
        }, "embedded-amqp-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** A RabbitMQ client connection factory whose connections wait (up to two minutes) for a background start. */
    public ConnectionFactory clientConnectionFactory() {
        ConnectionFactory factory = new ConnectionFactory() {
            @Override
            public Connection newConnection(ExecutorService executor, AddressResolver addresses, String clientName)
                    throws IOException, TimeoutException {
                awaitStarted();
                return super.newConnection(executor, addresses, clientName);
            }
        };
        // as in Spring's own factory: Spring recovers the connection, the client must not as well
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    private void awaitStarted() throws IOException {
        if (isStarted()) {
            return;
        }
        try {
            started.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
            throw new IOException("the embedded AMQP broker did not start: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException("the embedded AMQP broker has not started within two minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the embedded AMQP broker", e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        Files.createDirectories(workDir);
        System.setProperty("derby.stream.error.file", workDir.resolve("derby.log").toString());
        // Derby writes each commit to the OS without forcing it to disk: a crash or kill of the app loses nothing
        // (as with the embedded MongoDB), a power loss may; production runs RabbitMQ. Forcing every commit costs a
        // fifth of the products throughput here.
        if (System.getProperty("derby.system.durability") == null) {
            System.setProperty("derby.system.durability", "test");
        }
        // the virtual host node's type selects a factory before context variables apply: fill it in here
        String config;
        try (InputStream in = EmbeddedAmqpBroker.class.getClassLoader().getResourceAsStream("qpid/initial-config.json")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@STORE@", store == Store.DERBY ? "DERBY" : "Memory");
        }
        Path initialConfig = Files.writeString(workDir.resolve("initial-config.json"), config);
        Map<String, String> context = new HashMap<>();
        context.put("qpid.work_dir", workDir.toAbsolutePath().toString());
        context.put("qpid.amqp_port", String.valueOf(port));
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        // RabbitMQ's queue arguments (x-message-ttl, x-dead-letter-*) are accepted and not enforced: the app
        // dead-letters by publishing to the DLQ itself, so it works the same on both brokers
        context.put("queue.behaviourOnUnknownDeclareArgument", "IGNORE");
        context.put("sync.amqp.host", host);
        context.put("sync.amqp.user", user);
        context.put("sync.amqp.password", password);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", store == Store.DERBY ? "JSON" : "Memory");
        attributes.put("storePath", workDir.resolve("config.json").toAbsolutePath().toString());
        attributes.put("initialConfigurationLocation", initialConfig.toUri().toString());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", context);
        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> systemConfig) {
                system.set(systemConfig);
            }
        });
        launcher.startup(attributes);
        removeBrokerShutdownHook(system.get());
        if (!listening()) {
            throw new IllegalStateException("the embedded AMQP broker did not start on " + host + ":" + port
                    + " (port in use? set RABBITMQ_EMBEDDED_PORT)");
        }
        LOG.info("RABBITMQ_HOST not set: started the embedded AMQP 0-9-1 broker (Qpid Broker-J) on amqp://{}:{} ({})",
                host, port, store == Store.DERBY ? "messages kept in " + workDir : "messages in memory");
    }

    @Override
    protected void doStop() {
        if (launcher != null) {
            launcher.shutdown();
            launcher = null;
            LOG.info("The embedded AMQP broker stopped");
        }
    }

    /**
     * Qpid registers a JVM shutdown hook of its own, which on SIGTERM stops the broker while the routes using it are
     * still stopping (hundreds of lines of stack traces). Without it the broker stops as a Camel service: after the
     * routes, which finish or hand back their in-flight messages first.
     */
    private static void removeBrokerShutdownHook(SystemConfig<?> systemConfig) {
        Object broker = systemConfig == null ? null : systemConfig.getContainer();
        try {
            Class<?> type = broker.getClass();
            while (type != null && Arrays.stream(type.getDeclaredFields()).noneMatch(f -> f.getName().equals("_shutdownHook"))) {
                type = type.getSuperclass();
            }
            if (type == null) {
                throw new NoSuchFieldException("_shutdownHook in " + broker.getClass().getName());
            }
            Field hook = type.getDeclaredField("_shutdownHook");
            hook.setAccessible(true);
            Runtime.getRuntime().removeShutdownHook((Thread) hook.get(broker));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Embedded AMQP broker: could not remove its own shutdown hook ({}); on SIGTERM it may stop before the routes", e.toString());
        }
    }

    private boolean listening() {
        try (Socket ignored = new Socket(host, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
