package io.syncroutes.hawtio;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts Hawtio 4 (the hawtio-default war) on Jetty 12, connected to the sync-routes app: the start page
 * {@code http://localhost:8090/} adds a connection "sync-routes" to the app's Jolokia ({@code /observe/jolokia})
 * and opens Hawtio on it. Settings by environment: SYNC_ROUTES_URL (http://localhost:8080) as Hawtio's server
 * reaches the app, HAWTIO_PORT (8090), HAWTIO_WAR (next to this jar).
 */
public final class HawtioLauncher {

    private HawtioLauncher() {
    }

    public static void main(String... args) throws Exception {
        URI app = URI.create(env("SYNC_ROUTES_URL", "http://localhost:8080"));
        int port = Integer.parseInt(env("HAWTIO_PORT", "8090"));
        Path war = Path.of(env("HAWTIO_WAR", Path.of(HawtioLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("hawtio.war").toString()));
        if (!Files.exists(war)) {
            throw new IllegalStateException("Hawtio war not found at " + war + " (hawtio/run.sh builds it)");
        }
        int appPort = app.getPort() > 0 ? app.getPort() : ("https".equals(app.getScheme()) ? 443 : 80);
        // no login on Hawtio itself (it runs beside the app); the app's management endpoints do their own checks
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.proxyAllowlist", "localhost, 127.0.0.1, " + app.getHost());
        System.setProperty("hawtio.offline", "true");

        WebAppContext hawtio = new WebAppContext();
        hawtio.setContextPath("/hawtio");
        hawtio.setWar(war.toString());
        ContextHandler start = new ContextHandler(new StartPage(app.getScheme(), app.getHost(), appPort), "/");
        Server server = new Server(port);
        server.setHandler(new ContextHandlerCollection(hawtio, start));
        server.start();
        System.out.println("Hawtio for sync-routes: http://localhost:" + port + "/ (connection 'sync-routes' -> "
                + app + "/observe/jolokia)");
        server.join();
    }

    /** Stores the connection in the browser (Hawtio 4 keeps connections in localStorage) and opens Hawtio on it. */
    private static final class StartPage extends Handler.Abstract {
        private final byte[] html;

        StartPage(String scheme, String host, int port) {
            String connection = "{\"id\": \"sync-routes\", \"name\": \"sync-routes\", \"scheme\": \"" + scheme + "\", \"host\": \""
                    + host + "\", \"port\": " + port + ", \"path\": \"/observe/jolokia\"}";
            this.html = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>sync-routes - Hawtio</title></head><body>"
                    + "<script>var key = 'connect.connections';"
                    + "var all = JSON.parse(localStorage.getItem(key) || '{}');"
                    + "all['sync-routes'] = " + connection + ";"
                    + "localStorage.setItem(key, JSON.stringify(all));"
                    + "window.location.replace('/hawtio/camel/routes?con=sync-routes');</script>"
                    + "<p>Opening Hawtio on sync-routes ...</p></body></html>").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            response.write(true, java.nio.ByteBuffer.wrap(html), callback);
            return true;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
