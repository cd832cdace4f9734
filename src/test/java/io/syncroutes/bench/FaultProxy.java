package io.syncroutes.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of one simulator that misbehaves on request: the next N requests answered with a status and
 * Retry-After (bursts of 5xx or 429), held back before being passed on (slower than the client's timeout), or cut off
 * without an answer (dropped connections), and every request answered 503 for a while (an outage).
 */
public final class FaultProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive");

    private final String name;
    private final int targetPort;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClient client;
    private final HttpServer server;
    private final AtomicInteger burst = new AtomicInteger();
    private final AtomicInteger slow = new AtomicInteger();
    private final AtomicInteger drop = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong faulted = new AtomicLong();
    private volatile int burstStatus = 503;
    private volatile String retryAfter = "1";
    private volatile long slowMs;
    private volatile long outageUntil;

    public FaultProxy(String name, int targetPort) throws Exception {
        this.name = name;
        this.targetPort = targetPort;
        client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(true));
        server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code url} of the simulator with its port replaced by this proxy's. */
    public String route(String url) {
        return url.replace("127.0.0.1:" + targetPort, "127.0.0.1:" + port());
    }

    /** The next {@code count} requests are answered {@code status} with {@code Retry-After: seconds}. */
    public void burst(int status, String seconds, int count) {
        burstStatus = status;
        retryAfter = seconds;
        burst.set(count);
    }

    /** The next {@code count} requests are passed on only after {@code delayMs}. */
    public void slow(long delayMs, int count) {
        slowMs = delayMs;
        slow.set(count);
    }

    /** The next {@code count} requests have their connection closed without an answer. */
    public void drop(int count) {
        drop.set(count);
    }

    /** Every request is answered 503 for {@code ms}. */
    public void outage(long ms) {
        outageUntil = System.currentTimeMillis() + ms;
    }

    /** Ends every fault at once. */
    public void clear() {
        burst.set(0);
        slow.set(0);
        drop.set(0);
        outageUntil = 0;
    }

    public long requests() {
        return requests.get();
    }

    /** Requests that met a fault. */
    public long faulted() {
        return faulted.get();
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        if (System.currentTimeMillis() < outageUntil) {
            faulted.incrementAndGet();
            answer(request, 503, "2", "{\"error\": \"maintenance\"}");
            return;
        }
        if (take(drop)) {
            faulted.incrementAndGet();
            request.connection().close();
            return;
        }
        if (take(burst)) {
            faulted.incrementAndGet();
            answer(request, burstStatus, retryAfter, "{\"error\": \"busy, try again\"}");
            return;
        }
        long delay = take(slow) ? slowMs : 0;
        if (delay > 0) {
            faulted.incrementAndGet();
        }
        request.body().onSuccess(body -> {
            if (delay > 0) {
                vertx.setTimer(delay, id -> forward(request, body));
            } else {
                forward(request, body);
            }
        });
    }

    private void forward(HttpServerRequest request, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(targetPort)
                .setURI(request.uri()).setTimeout(120_000);
        request.headers().forEach(header -> {
            if (!HOP_HEADERS.contains(header.getKey().toLowerCase())) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        client.request(options)
                .compose(upstream -> upstream.send(body))
                .compose(response -> response.body().map(answer -> {
                    HttpServerResponse out = request.response().setStatusCode(response.statusCode());
                    response.headers().forEach(header -> {
                        if (!HOP_HEADERS.contains(header.getKey().toLowerCase())) {
                            out.headers().add(header.getKey(), header.getValue());
                        }
                    });
                    out.end(answer);
                    return answer;
                }))
                .onFailure(e -> {
                    if (!request.response().ended() && !request.response().closed()) {
                        request.response().setStatusCode(502).end("{\"error\": \"proxy: " + e.getMessage() + "\"}");
                    }
                });
    }

    private static void answer(HttpServerRequest request, int status, String retryAfter, String body) {
        request.body().onComplete(ignored -> {
            if (!request.response().closed()) {
                request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .putHeader("Retry-After", retryAfter).end(body);
            }
        });
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
