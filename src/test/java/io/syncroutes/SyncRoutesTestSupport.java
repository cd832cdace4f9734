package io.syncroutes;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Runs the real application (the YAML routes in {@code routes/}, every flow's beans) against the embedded
 * MongoDB-compatible server (memory backend, free port) with its folders in a fresh temporary directory.
 */
public abstract class SyncRoutesTestSupport extends CamelMainTestSupport {

    // set lazily: CamelTestSupport asks for the properties from its constructor, before field initialisers run
    private Path tmp;
    private int httpPort;

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        // the app runs with JMX (Hawtio, the sync-state MBeans); so do its tests
        configuration.withEnableJMX();
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        App.configure(configuration);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("http.port", String.valueOf(httpPort()));
        props.put("mongo.uri", "");
        props.put("mongo.embedded.backend", "memory");
        props.put("mongo.embedded.port", "0");
        props.put("workorders.inbound.dir", dir("inbound").toString());
        props.put("workorders.done.dir", dir("done").toString());
        props.put("workorders.error.dir", dir("error").toString());
        props.put("workorders.outbound.dir", dir("outbound").toString());
        props.put("workorders.inbound.poll-ms", "100");
        props.put("workorders.export.interval-ms", "200");
        props.putAll(properties());
        return props;
    }

    /** Extra or changed properties of a test class. */
    protected Properties properties() {
        return new Properties();
    }

    /** The port of the app's HTTP server in this test. */
    protected int httpPort() {
        if (httpPort == 0) {
            httpPort = freePort();
        }
        return httpPort;
    }

    /** This test's temporary directory, removed after the test. */
    protected Path tmp() {
        try {
            if (tmp == null) {
                tmp = Files.createTempDirectory("sync-routes-test");
            }
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void deleteTemporaryDirectory() throws IOException {
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A folder of this test's temporary directory (created if needed). */
    protected Path dir(String name) {
        try {
            return Files.createDirectories(tmp().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected MongoClient mongo() {
        return context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class);
    }

    protected MongoCollection<Document> workorders() {
        return mongo().getDatabase("tractian").getCollection("workorders");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
