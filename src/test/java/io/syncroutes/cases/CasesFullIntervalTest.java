package io.syncroutes.cases;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Between full walks the runs are deltas (which cannot see deletions); once INTEMPUS_FULL_SYNC_INTERVAL_MS has passed a full walk catches them. */
class CasesFullIntervalTest extends CasesTestSupport {

    @Override
    protected Properties casesProperties() {
        Properties props = new Properties();
        props.put("intempus.full-sync-interval-ms", "1500");
        return props;
    }

    @Test
    void fullWalkRunsAgainAfterTheIntervalAndCatchesDeletions() throws Exception {
        List<Long> ids = intempus().generate(8);
        sync();
        intempus().delete(ids.get(3));

        sync();
        assertThat(flow().getLastRun()).startsWith("cases delta sync");
        assertThat(local(ids.get(3))).as("a delta cannot see a deletion").isNotNull();

        Thread.sleep(1600);
        sync();
        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=1 inserted=0 updated=0 deleted=1 unchanged=7");
        assertThat(local(ids.get(3))).isNull();
        sync();
        assertThat(flow().getLastRun()).as("the next run is a delta again").startsWith("cases delta sync");
    }
}
