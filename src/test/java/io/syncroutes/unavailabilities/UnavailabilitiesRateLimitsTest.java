package io.syncroutes.unavailabilities;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Qargo's rate limits: a Retry-After longer than QARGO_RETRY_MAX_DELAY_MS (5 s here) stops the run at once instead of
 * waiting, the pair it hit and the rest deferred, and the next run resumes there; a call still answered 429 after
 * its retries stops the run the same way; a token endpoint at its limit (5 tokens an hour) is not asked again, and
 * the run ends with nothing changed.
 */
class UnavailabilitiesRateLimitsTest extends UnavailabilitiesTestSupport {

    @Test
    void aRetryAfterLongerThanTheMaximumDelayStopsTheRunInsteadOfWaiting() throws Exception {
        List<String> locals = pairs(3);
        // local calls: the fleet page, then per pair one read and one create; the second pair's read is throttled
        local().throttle(3, 1, "120");

        long started = System.nanoTime();
        String first = runNow();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("stopped, not waited 120 s").isLessThan(Duration.ofSeconds(3));
        assertThat(local().throttled()).as("not asked again").isEqualTo(1);
        assertThat(counter(first, "created")).isEqualTo(1);
        assertThat(counter(first, "deferred")).isEqualTo(2);
        assertThat(counter(first, "errors")).isZero();
        assertThat(first).contains("stopped: Qargo local asked to wait 120 s");
        assertThat(local().unavailabilities(locals.get(0))).hasSize(1);
        assertThat(local().unavailabilities(locals.get(1))).isEmpty();

        String second = runNow();
        assertThat(counter(second, "created")).isEqualTo(2);
        assertThat(counter(second, "deferred")).isZero();
        assertThat(locals).allSatisfy(local -> assertThat(local().unavailabilities(local)).hasSize(1));
    }

    @Test
    void stillRateLimitedAfterTheRetriesStopsTheRun() throws Exception {
        List<String> locals = pairs(3);
        // the second pair's read and both its retries (QARGO_MAX_RETRIES=2) answered 429
        local().throttle(3, 3, "0");

        String line = runNow();

        assertThat(local().throttled()).isEqualTo(3);
        assertThat(counter(line, "created")).isEqualTo(1);
        assertThat(counter(line, "deferred")).isEqualTo(2);
        assertThat(counter(line, "errors")).isZero();
        assertThat(line).contains("stopped: Qargo local still rate-limiting (429) after its retries");
        assertThat(local().unavailabilities(locals.get(2))).isEmpty();
    }

    @Test
    void aTokenEndpointAtItsLimitIsNotAskedAgain() throws Exception {
        pairs(1);
        assertThat(counter(runNow(), "created")).isEqualTo(1);
        String lastRun = flowState().getLastRun();
        master().tokensPerHour(1);
        master().revokeTokens();

        String line = runNow();

        assertThat(line).isEqualTo("unavailabilities run aborted, nothing changed: Qargo master token endpoint rate-limited (429)");
        assertThat(master().tokenRequests()).as("the first token, then one refused").isEqualTo(2);
        assertThat(flowState().getLastRun()).isEqualTo(lastRun);
    }

    /** {@code count} master and local drivers matched by employee number, each master one with one unavailability; the local ids. */
    private List<String> pairs(int count) {
        List<String> locals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String master = master().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
            locals.add(local().addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null));
            master().putUnavailability(master, unavailability(null, "2025-06-01T00:00:00Z", null, "DRIVER_OTHER", null, null));
        }
        return locals;
    }
}
