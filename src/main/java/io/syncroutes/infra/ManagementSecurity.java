package io.syncroutes.infra;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * Guards the management endpoints ({@code /observe/jolokia}, {@code /observe/sync}, {@code /observe/runs*},
 * {@code /observe/provenance/*}, {@code /observe/products/*}) and
 * the data API ({@code /case}) in front of their handlers:
 * HTTP basic authentication with MANAGEMENT_USER/MANAGEMENT_PASSWORD when those are set, otherwise only clients
 * on the loopback address. Health and metrics are not guarded.
 */
public final class ManagementSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementSecurity.class);
    private static final List<String> GUARDED = List.of("/observe/jolokia*", "/observe/sync*", "/observe/runs*",
            "/observe/provenance/*", "/observe/products/*", "/case*");

    private final byte[] expectedAuthorization;

    /** @param user, password both blank for loopback-only access */
    public ManagementSecurity(String user, String password) {
        if (user.isBlank() != password.isBlank()) {
            throw new IllegalArgumentException(user.isBlank()
                    ? "MANAGEMENT_PASSWORD is set, so MANAGEMENT_USER is required"
                    : "MANAGEMENT_USER is set, so MANAGEMENT_PASSWORD is required");
        }
        this.expectedAuthorization = user.isBlank() ? null
                : ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
    }

    /** Puts the guard in front of the management endpoints of the app's HTTP server (once it has started). */
    public void install(CamelContext context, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME);
        }
        if (router == null) {
            throw new IllegalStateException("no HTTP router to guard the management endpoints with");
        }
        for (String path : GUARDED) {
            router.route(path).order(-1000).handler(this::guard);
        }
        LOG.info("Management endpoints {} answer {}", GUARDED,
                expectedAuthorization == null ? "loopback clients only (set MANAGEMENT_USER and MANAGEMENT_PASSWORD for remote access)"
                        : "authenticated clients (HTTP basic)");
    }

    private void guard(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (expectedAuthorization == null) {
            if (isLoopback(request.remoteAddress() == null ? null : request.remoteAddress().host())) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain")
                        .end("management endpoints answer loopback clients only; set MANAGEMENT_USER and MANAGEMENT_PASSWORD for remote access\n");
            }
            return;
        }
        String given = request.getHeader("Authorization");
        if (given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
        } else {
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"sync-routes\"")
                    .putHeader("Content-Type", "text/plain").end("authentication required\n");
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
