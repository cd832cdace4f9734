package io.syncroutes.cases;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deltas between full walks, retries honouring Retry-After, and a run against an Intempus that is down. */
class CasesDeltaTest extends CasesTestSupport {

    @Test
    void deltaAfterFullFetchesOnlyChangesAndSteadyStateIsOneRequest() {
        List<Long> ids = intempus().generate(25);
        sync();
        long watermark = syncState().find().first().getLong("watermark");
        assertThat(watermark).isEqualTo(intempus().logicalTimestamp());

        intempus().touch(ids.get(4));
        intempus().touch(ids.get(20));
        long added = intempus().generate(1).get(0);
        long requestsBefore = intempus().requests();
        sync();

        assertThat(flow().getLastRun()).startsWith("cases delta sync: pages=1 inserted=1 updated=2 deleted=0 unchanged=0");
        assertThat(intempus().requests() - requestsBefore).isEqualTo(1);
        assertThat(intempus().requestLog().get(intempus().requestLog().size() - 1)).contains("logical_timestamp__gt=" + watermark);
        assertThat(local(added)).isNotNull();
        assertThat(local(ids.get(20)).getLong("logical_timestamp")).isEqualTo(intempus().get(ids.get(20)).get("logical_timestamp").asLong());
        assertThat(syncState().find().first().getLong("watermark")).isEqualTo(intempus().logicalTimestamp());

        // nothing changed remotely: one small request, nothing written
        requestsBefore = intempus().requests();
        sync();
        assertThat(intempus().requests() - requestsBefore).isEqualTo(1);
        assertThat(flow().getLastRun()).startsWith("cases delta sync: pages=1 inserted=0 updated=0 deleted=0 unchanged=0");
        // computed in the background (SYNC_LAG_REFRESH_MS), served from its last value
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(flow().getLag()).isBetween(0L, 5L));
        assertThat(flow().getTotals()).containsEntry("inserted", 26L).containsEntry("updated", 2L);
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() {
        intempus().generate(15);
        intempus().fail("offset=10", 429, "1", 1);

        sync();

        assertThat(flow().getLastRun()).startsWith("cases full sync: pages=2 inserted=15");
        List<String> pages = intempus().requestLog().stream().filter(r -> r.contains("offset=10")).toList();
        assertThat(pages).hasSize(2);
        long first = Long.parseLong(pages.get(0).replaceAll(".*@", ""));
        long retry = Long.parseLong(pages.get(1).replaceAll(".*@", ""));
        assertThat(retry - first).as("Retry-After: 1 honoured (the configured backoff is 50 ms)").isGreaterThanOrEqualTo(950);
    }

    @Test
    void intempusDownEndsTheRunQuicklyWithOneLineAndLeavesTheStateUnchanged() {
        intempus().generate(5);
        sync();
        Document before = syncState().find().first();
        String lastRun = flow().getLastRun();
        intempus().close();

        long started = System.nanoTime();
        sync();
        long ms = (System.nanoTime() - started) / 1_000_000;

        assertThat(ms).as("no retries when nothing listens").isLessThan(2000);
        assertThat(syncState().find().first()).isEqualTo(before);
        assertThat(flow().getLastRun()).isEqualTo(lastRun);
        assertThat(flow().getRecentErrors().get("sync")).contains("cases delta sync failed").contains("Connection refused")
                .contains("sync state unchanged");
        assertThat(cases().countDocuments()).isEqualTo(5);
    }
}
