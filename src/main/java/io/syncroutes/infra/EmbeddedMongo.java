package io.syncroutes.infra;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The embedded MongoDB-compatible server (mongo-java-server) used when no MONGO_URI is configured. */
public final class EmbeddedMongo extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);

    /** Storage of the embedded server: {@code h2} keeps data in a file, {@code memory} keeps nothing. */
    public enum Backend { H2, MEMORY }

    private final Backend backend;
    private final Path dataDir;
    private final String host;
    private final int port;
    private MongoServer server;
    private volatile DurableH2Backend h2;
    private InetSocketAddress address;

    public EmbeddedMongo(Backend backend, Path dataDir, String host, int port) {
        this.backend = backend;
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
    }

    @Override
    protected void doStart() throws Exception {
        MongoBackend mongoBackend;
        String where;
        if (backend == Backend.H2) {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("sync-routes.mv");
            h2 = new DurableH2Backend(file.toString());
            mongoBackend = h2;
            where = "H2 backend, data in " + file;
        } else {
            mongoBackend = new MemoryBackend();
            where = "memory backend, nothing kept";
        }
        server = new MongoServer(mongoBackend);
        server.bind(host, port);
        address = server.getLocalAddress();
        LOG.info("MONGO_URI not set: started the embedded MongoDB-compatible server on {} ({})", uri(), where);
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** The connection string of the running server, e.g. {@code mongodb://127.0.0.1:27017}. */
    public String uri() {
        return "mongodb://" + address.getHostString() + ":" + address.getPort();
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Whether the store has settled: writes have paused and the H2 store's file was compacted since the last one (always
     * true on the memory backend).
     */
    public boolean storeSettled() {
        DurableH2Backend store = h2;
        return store == null || store.compactedSinceLastWrite();
    }
}
