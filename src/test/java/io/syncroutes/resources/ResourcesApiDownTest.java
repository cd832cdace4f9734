package io.syncroutes.resources;

import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** A run against a Focus API that is down ends quickly with one log line, and leaves the state unchanged. */
class ResourcesApiDownTest extends ResourcesTestSupport {

    @Override
    protected Properties resourcesProperties() {
        Properties props = new Properties();
        props.put("focus.api-url", "http://127.0.0.1:" + SyncRoutesTestSupport.freePort());
        return props;
    }

    @Test
    void runAgainstAnApiThatIsDownEndsQuicklyWithOneLine() {
        long t0 = System.nanoTime();
        runOnce();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(ms).as("with FOCUS_MAX_RETRIES=2 and 50 ms backoff").isLessThan(5_000);
        assertThat(logLines(" WARN ")).filteredOn(l -> l.contains("Focus")).singleElement().asString()
                .contains("Focus run failed before any resource was synced: Focus API unreachable at http://127.0.0.1:")
                .contains("nothing changed");
        assertThat(mongo().getDatabase("tractian").getCollection("sync_state").countDocuments()).isZero();
        assertThat(log()).doesNotContain("\tat ");
        io.syncroutes.shared.FlowState flow = context.getRegistry().lookupByNameAndType("syncState", io.syncroutes.shared.SyncState.class).flow("resources");
        assertThat(flow.total("failedRuns")).isEqualTo(1);
        assertThat(flow.getRecentErrors().get("run")).contains("Focus API unreachable");
    }
}
