package io.syncroutes.simulators;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every simulator shares: a Vert.x HTTP server on one event loop (answers are delayed with timers, never by
 * holding a thread), started on a given or free port and closed with the simulator.
 */
public abstract class HttpSimulator implements AutoCloseable {

    /** Vert.x of this simulator, for timers. */
    protected Vertx vertx;
    private HttpServer server;

    /** Starts listening on {@code port} (0 = any free port); returns the port. */
    public int start(String host, int port) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        server = vertx.createHttpServer().requestHandler(this::handle);
        return server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    /** {@code http://127.0.0.1:<port>}, the root of the server. */
    protected String root() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Answers one request. */
    protected abstract void handle(HttpServerRequest request);

    @Override
    public void close() {
        if (vertx != null) {
            // closed when this returns: its port refuses connections and open ones are gone
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // closing anyway; nothing more to wait for
            }
        }
    }
}
