package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import io.syncroutes.simulators.QargoEnvironment;
import io.syncroutes.simulators.QargoSimulator;
import org.junit.jupiter.api.AfterEach;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Properties;
import javax.management.ObjectName;

/**
 * The unavailabilities flow against the Qargo simulator over real HTTP: both environments on one host, told apart
 * by their credentials, as at the real Qargo. The timer never fires during a test: runs are started through the
 * JMX operation, as an operator does from Hawtio.
 */
public abstract class UnavailabilitiesTestSupport extends SyncRoutesTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String LOCAL_SECRET = "local-s3cret-0123456789";
    protected static final String MASTER_SECRET = "master-s3cret-9876543210";

    // created lazily: CamelTestSupport asks for the properties from its constructor
    private QargoSimulator qargo;

    protected QargoSimulator qargo() {
        if (qargo == null) {
            qargo = startSimulator();
        }
        return qargo;
    }

    /** A Qargo simulator knowing both environments' test credentials, listening on a free port. */
    static QargoSimulator startSimulator() {
        QargoSimulator simulator = new QargoSimulator("master-client", MASTER_SECRET, "local-client", LOCAL_SECRET);
        try {
            simulator.start("127.0.0.1", 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return simulator;
    }

    protected QargoEnvironment master() {
        return qargo().master();
    }

    protected QargoEnvironment local() {
        return qargo().local();
    }

    @Override
    protected Properties properties() {
        Properties props = new Properties();
        props.put("workorders.export.interval-ms", "3600000");
        props.putAll(qargoProperties(qargo()));
        props.putAll(flowProperties());
        return props;
    }

    /**
     * The settings pointing the flow at {@code qargo} as at the real Qargo: one API URL and token endpoint, the
     * master URLs unset (so the local ones), each environment chosen by its credentials; short retries and no timer
     * run during a test.
     */
    static Map<String, String> qargoProperties(QargoSimulator qargo) {
        return Map.ofEntries(
                Map.entry("qargo.api-url", qargo.apiUrl()),
                Map.entry("qargo.auth-url", qargo.authUrl()),
                Map.entry("qargo.client-id", "local-client"),
                Map.entry("qargo.client-secret", LOCAL_SECRET),
                Map.entry("qargo.master.client-id", "master-client"),
                Map.entry("qargo.master.client-secret", MASTER_SECRET),
                Map.entry("qargo.sync-interval-ms", "3600000"),
                Map.entry("qargo.sync-delay-ms", "3600000"),
                Map.entry("qargo.sync-from", "2025-01-01"),
                Map.entry("qargo.retry.delay-ms", "20"),
                Map.entry("qargo.retry.max-retries", "2"),
                Map.entry("qargo.retry.max-delay-ms", "5000"),
                Map.entry("qargo.timeout-ms", "2000"),
                Map.entry("qargo.request-budget", "1000"));
    }

    /** Extra or changed properties of a test class. */
    protected Properties flowProperties() {
        return new Properties();
    }

    @AfterEach
    void stopQargo() {
        if (qargo != null) {
            qargo.close();
        }
    }

    /** Runs a sync now through the JMX operation; returns its one-line summary. */
    protected static String runNow() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("io.syncroutes:type=Operations,flow=unavailabilities"), "runNow", new Object[0], new String[0]);
    }

    protected FlowState flowState() {
        return context.getRegistry().lookupByNameAndType("syncState", SyncState.class).flow("unavailabilities");
    }

    /** An unavailability body as Qargo lists it. */
    protected static ObjectNode unavailability(String id, String start, String end, String reason, String description, String externalId) {
        ObjectNode node = JSON.createObjectNode();
        if (id != null) {
            node.put("id", id);
        }
        node.put("start_time", start);
        if (end == null) {
            node.putNull("end_time");
        } else {
            node.put("end_time", end);
        }
        node.put("reason", reason);
        if (description == null) {
            node.putNull("description");
        } else {
            node.put("description", description);
        }
        if (externalId == null) {
            node.putNull("external_id");
        } else {
            node.put("external_id", externalId);
        }
        return node;
    }

    /** The counter {@code name} in a run line ({@code ... created=3 ...}). */
    protected static long counter(String line, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in: " + line);
        }
        return Long.parseLong(m.group(1));
    }
}
