package io.syncroutes.unavailabilities;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures during a run: 429 with Retry-After is waited out and the run completes; a fleet resource answered 500 (after
 * its retries) is one error while the others are synced; a token Qargo no longer accepts (401) is replaced by
 * exactly one new one; a Qargo that is down ends the run at once with one line, nothing written and the last run
 * and totals unchanged.
 */
class UnavailabilitiesFailuresTest extends UnavailabilitiesTestSupport {

    @Test
    void retryAfterIsHonouredAndTheRunCompletes() throws Exception {
        String[] pair = pair("Alice", "E-1");
        master().throttleNext(2, "1");

        long started = System.nanoTime();
        String line = runNow();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(master().throttled()).isEqualTo(2);
        assertThat(took).as("waited Retry-After twice, not the 20 ms backoff").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(counter(line, "created")).isEqualTo(1);
        assertThat(counter(line, "errors")).isZero();
        assertThat(local().unavailabilities(pair[1])).hasSize(1);
    }

    @Test
    void aFleetResourceAnswered500IsOneErrorWhileTheOthersAreSynced() throws Exception {
        String[] failing = pair("Bob", "E-2");
        String[] first = pair("Alice", "E-1");
        String[] last = pair("Carol", "E-3");
        local().failFleetResource(failing[1], 500);

        String line = runNow();

        assertThat(counter(line, "errors")).isEqualTo(1);
        assertThat(counter(line, "created")).isEqualTo(2);
        assertThat(local().unavailabilities(first[1])).hasSize(1);
        assertThat(local().unavailabilities(last[1])).hasSize(1);
        assertThat(flowState().getRecentErrors()).hasSize(1);
        assertThat(flowState().getRecentErrors().keySet().iterator().next()).startsWith("Bob");
        assertThat(flowState().getRecentErrors().values().iterator().next()).contains("answered 500");

        local().failFleetResource(failing[1], 0);
        String next = runNow();
        assertThat(counter(next, "created")).isEqualTo(1);
        assertThat(counter(next, "unchanged")).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsReplacedOnce() throws Exception {
        String[] pair = pair("Alice", "E-1");
        runNow();
        assertThat(master().tokenRequests()).isEqualTo(1);
        assertThat(local().tokenRequests()).isEqualTo(1);
        master().revokeTokens();
        master().putUnavailability(pair[0], unavailability(null, "2025-07-01T00:00:00Z", null, "DRIVER_OTHER", null, null));

        String line = runNow();

        assertThat(counter(line, "created")).isEqualTo(1);
        assertThat(counter(line, "errors")).isZero();
        assertThat(master().tokenRequests()).isEqualTo(2);
        assertThat(local().tokenRequests()).isEqualTo(1);
    }

    @Test
    void qargoDownEndsTheRunAtOnceAndChangesNothing() throws Exception {
        pair("Alice", "E-1");
        String before = runNow();
        String lastRun = flowState().getLastRun();
        Map<String, Long> totals = flowState().getTotals();
        qargo().close();

        long started = System.nanoTime();
        String line = runNow();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(line).startsWith("unavailabilities run aborted, nothing changed").contains("unreachable");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(flowState().getLastRun()).isEqualTo(lastRun).isNotEqualTo(line);
        assertThat(flowState().getTotals()).isEqualTo(totals);
        assertThat(before).contains("created=1");
        assertThat(context.getRegistry().lookupByNameAndType("unavailabilitiesSync", UnavailabilitiesSync.class).isRunning()).isFalse();
    }

    /** A master and a local driver with the same employee number, the master one with one unavailability. */
    private String[] pair(String name, String employee) {
        String master = master().addFleetResource(name, "DRIVER", Map.of("employeenumber", employee), null);
        String local = local().addFleetResource(name, "DRIVER", Map.of("employeenumber", employee), null);
        master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", "2025-06-03T00:00:00Z", "DRIVER_HOLIDAY", name, null));
        return new String[] {master, local};
    }
}
