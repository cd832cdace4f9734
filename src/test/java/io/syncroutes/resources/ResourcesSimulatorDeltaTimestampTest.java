package io.syncroutes.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncroutes.Fixtures;
import io.syncroutes.Http;
import io.syncroutes.simulators.FocusSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Focus simulator over real HTTP takes {@code delta_timestamp} as the vendor's own client sends it (Python's
 * {@code str(datetime)} on lines requests, {@code isoformat()} on state: naive UTC, six fractional digits or none,
 * an empty value when it has none) and refuses, with 400 and the reason, what a server parsing that one layout refuses.
 */
class ResourcesSimulatorDeltaTimestampTest {

    private static final List<String> DELTA_ENDPOINTS = List.of("created/lines", "updated/lines", "deleted/lines", "state");

    private FocusSimulator focus;
    private String token;

    @BeforeEach
    void start() throws Exception {
        focus = new FocusSimulator("user", "password", "acme", "dk", Duration.ofMinutes(30));
        focus.promotions("promotions");
        focus.start("127.0.0.1", 0);
        for (int i = 1; i <= 2; i++) {
            focus.put("promotions", Fixtures.JSON.createObjectNode().put("id", "id-" + i).put("name", "Promotion " + i));
        }
        HttpResponse<String> login = Http.post(focus.url() + "/api/v1/auth", "{\"username\": \"user\", \"password\": \"password\"}");
        assertThat(login.statusCode()).isEqualTo(201);
        token = Fixtures.JSON.readTree(login.body()).get("token").asText();
    }

    @AfterEach
    void stop() {
        focus.close();
    }

    @Test
    void theFormsTheVendorsClientSendsAreAnsweredOnEveryDeltaEndpoint() {
        List<String> accepted = List.of(
                "delta_timestamp=2025-07-01T16%3A01%3A00.827904",         // the documented form, isoformat() on state
                "delta_timestamp=2025-07-01T16:01:00.827904",             // the same, colons not encoded
                "delta_timestamp=2025-07-01%2016%3A01%3A00.827904&lang=", // str(datetime) as httpx encodes it; lang unset
                "delta_timestamp=2025-07-01+16%3A01%3A00.827904",         // the space written as '+'
                "delta_timestamp=2025-07-01%2016%3A01%3A00",              // microseconds zero: Python writes no fraction
                "delta_timestamp=2025-07-01T16%3A01%3A00");
        for (String endpoint : DELTA_ENDPOINTS) {
            for (String query : accepted) {
                HttpResponse<String> answer = get(endpoint, query);
                assertThat(answer.statusCode()).as(endpoint + "?" + query + ": " + answer.body()).isEqualTo(200);
            }
        }
        assertThat(focus.queries("created")).hasSize(accepted.size()).first().isEqualTo(accepted.get(0));
    }

    @Test
    void theTimestampSentIsTheWindowAnswered() {
        assertThat(lines(get("created/lines", "delta_timestamp=2000-01-01%2000%3A00%3A00.000000"))).hasSize(2);
        assertThat(lines(get("created/lines", "delta_timestamp=2999-01-01T00%3A00%3A00"))).isEmpty();
        // state counts the rows as of the timestamp; an empty one (the vendor's client on its first run) is none: now
        assertThat(totalItems(get("state", "delta_timestamp=2000-01-01T00%3A00%3A00.000000"))).isZero();
        assertThat(totalItems(get("state", "delta_timestamp=2999-01-01T00%3A00%3A00.000000"))).isEqualTo(2);
        assertThat(totalItems(get("state", "delta_timestamp="))).isEqualTo(2);
        assertThat(totalItems(get("state", ""))).isEqualTo(2);
    }

    @Test
    void offsetsZAndOtherFormsAreRefusedWith400AndTheReason() {
        List<String> refused = List.of(
                "2025-07-01T16%3A01%3A00.827904Z",
                "2025-07-01T16%3A01%3A00.827904%2B00%3A00",
                "2025-07-01T16:01:00.827904+00:00",  // '+' not encoded: a space, still not the layout
                "2025-07-01T16%3A01%3A00-05%3A00",
                "2025-07-01T16%3A01%3A00.827",
                "2025-07-01T16%3A01%3A00.827904123",
                "2025-07-01T16%3A01",
                "2025-13-01T16%3A01%3A00.000000",
                "1751385660",
                "yesterday");
        for (String endpoint : DELTA_ENDPOINTS) {
            for (String value : refused) {
                HttpResponse<String> answer = get(endpoint, "delta_timestamp=" + value);
                String decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
                assertThat(answer.statusCode()).as(endpoint + " " + value).isEqualTo(400);
                assertThat(error(answer)).as(endpoint + " " + value).startsWith("invalid delta_timestamp '" + decoded + "': ")
                        .contains("UTC date-time without offset").contains("2025-07-01T16:01:00.827904");
            }
        }
        assertThat(focus.requests("created")).as("refused requests are not answered").isZero();
        assertThat(focus.requests("state")).isZero();
    }

    @Test
    void linesWithoutATimestampAreRefusedAnEmptyOneIsNone() {
        for (String endpoint : List.of("created/lines", "updated/lines", "deleted/lines")) {
            for (String query : List.of("", "delta_timestamp=", "lang=da")) {
                HttpResponse<String> answer = get(endpoint, query);
                assertThat(answer.statusCode()).as(endpoint + "?" + query).isEqualTo(400);
                assertThat(error(answer)).isEqualTo("delta_timestamp is required");
            }
        }
    }

    private HttpResponse<String> get(String endpoint, String query) {
        return Http.get(focus.url() + "/api/v1/acme/resource/promotions/dk/" + endpoint + (query.isEmpty() ? "" : "?" + query),
                "authorization", token);
    }

    private static List<String> lines(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body().lines().toList();
    }

    private static long totalItems(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json(answer).get("total_items").asLong();
    }

    private static String error(HttpResponse<String> answer) {
        return json(answer).get("error").asText();
    }

    private static JsonNode json(HttpResponse<String> answer) {
        try {
            return Fixtures.JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
