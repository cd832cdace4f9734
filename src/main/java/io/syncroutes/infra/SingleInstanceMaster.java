package io.syncroutes.infra;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.StringHelper;

import java.util.Map;

/**
 * The {@code master:} component of a single instance (CLUSTER_SERVICE=none): {@code master:<namespace>:<uri>} is the
 * endpoint {@code <uri>} itself, so a route written for several instances runs exactly as it would without
 * {@code master:} (no cluster service, no leadership delay, the consumer's own start and stop behaviour).
 */
public final class SingleInstanceMaster extends DefaultComponent {

    @Override
    public boolean useRawUri() {
        return true;
    }

    /** {@code master:<namespace>:<uri>} -> the endpoint of {@code <uri>}, its query as written. */
    @Override
    public Endpoint createEndpoint(String uri, Map<String, Object> properties) throws Exception {
        String remaining = StringHelper.after(uri, ":");
        if (remaining != null && remaining.startsWith("//")) {
            remaining = remaining.substring(2);
        }
        String delegate = parse(uri, remaining)[1];
        return properties == null || properties.isEmpty()
                ? getCamelContext().getEndpoint(delegate)
                : getCamelContext().getEndpoint(delegate, properties);
    }

    /**
     * {@code {namespace, delegate uri}} of {@code master:<namespace>:<uri>} ({@code remaining}: what follows
     * {@code master:}, with the query), the query kept as written (raw) like camel-master passes it on.
     */
    static String[] parse(String uri, String remaining) {
        String path = remaining == null ? null : StringHelper.before(remaining, "?", remaining);
        String namespace = path == null ? null : StringHelper.before(path, ":");
        String delegate = path == null ? null : StringHelper.after(path, ":");
        if (namespace == null || namespace.isBlank() || delegate == null || delegate.isBlank()) {
            throw new IllegalArgumentException("expected master:<namespace>:<uri>, got " + uri);
        }
        int query = uri.indexOf('?');
        return new String[] {namespace, query < 0 ? delegate : delegate + uri.substring(query)};
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        return createEndpoint(uri, parameters);
    }
}
