package io.syncroutes.resources;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code delta_timestamp} the flow sends, exactly as on the wire (WireMock answers only the exact URLs): taken
 * from row timestamps written naive (UTC), with {@code Z} or an offset, a space for the {@code T}, 0 to 9 fractional
 * digits; and from state documents as the previous version wrote them.
 */
class ResourcesDeltaTimestampTest extends ResourcesWireMockTestSupport {

    private static final String BASE = "/api/v1/" + BUSINESS_SERVICE + "/resource/";
    private static final String LINES = BASE + "promotions/" + COUNTRY + "/";
    private static final String TOKEN = "delta-token";

    @BeforeEach
    void loginAndSchema() {
        api().stubFor(post("/api/v1/auth").willReturn(aResponse().withStatus(201).withBody("{\"token\": \"" + TOKEN + "\"}")));
        api().stubFor(get(BASE + "schema").willReturn(aResponse().withBody(text("reference/focus-api/SYNTHETIC_schema_response.json"))));
    }

    @Test
    void rowTimestampsInEveryFormGiveTheNextDeltaTimestamp() {
        api().stubFor(get(LINES + "full/lines").willReturn(aResponse().withBody(String.join("\n",
                row("a", "2025-07-01 16:01:00.827904", null),
                row("b", "2025-07-01T15:00:00Z", "2025-07-01T18:01:00.9+02:00"),
                row("c", "2025-07-01T16:01:00.899999999Z", null),
                row("d", "first of July", null)))));
        // the newest: b's update, 16:01:00.9 UTC
        stubState("2025-07-01T16%3A01%3A00.900000", 4);

        runOnce();

        assertThat(logLines("Focus promotions (full): lines=4 created=4 updated=0 deleted=0 local=4 remote=4 in ")).singleElement().asString()
                .contains("errors={row timestamp='first of July' is not a date-time; left out of the next delta timestamp}");
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo("2025-07-01T16:01:00.900Z");

        // naive with one digit (UTC) beats an offset one microsecond later in local time
        stubDelta("2025-07-01T16%3A01%3A00.900000", row("e", "2025-07-01T16:05:00.5", null),
                row("a", "2025-07-01 16:01:00.827904", "2025-07-01T12:05:00.000001-04:00"), "{\"id\": \"c\"}");
        stubState("2025-07-01T16%3A05%3A00.500000", 4);

        runOnce();

        assertThat(logLines("Focus promotions (delta): lines=3 created=1 updated=1 deleted=1 local=4 remote=4 in ")).hasSize(1);
        assertThat(state("promotions").get("lastRun", Document.class)).containsEntry("reason", "since 2025-07-01T16:01:00.900000 UTC");

        // seven digits: the seventh is cut from what is sent, kept in the state
        stubDelta("2025-07-01T16%3A05%3A00.500000", row("f", "2025-07-01T16:05:00.5000019Z", null),
                row("b", "2025-07-01T15:00:00Z", "2025-06-30T00:00:00+00:00"), "");
        stubState("2025-07-01T16%3A05%3A00.500001", 5);

        runOnce();

        assertThat(logLines("Focus promotions (delta): lines=2 created=1 updated=1 deleted=0 local=5 remote=5 in ")).hasSize(1);
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo("2025-07-01T16:05:00.500001900Z");

        // only rows older than the window: the delta timestamp does not go back
        stubDelta("2025-07-01T16%3A05%3A00.500001", row("g", "2025-07-01 10:00:00", null), "", "");
        stubState("2025-07-01T16%3A05%3A00.500001", 6);

        runOnce();

        assertThat(logLines("Focus promotions (delta): lines=1 created=1 updated=0 deleted=0 local=6 remote=6 in ")).hasSize(1);
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo("2025-07-01T16:05:00.500001900Z");
        for (String kind : new String[] {"created", "updated", "deleted"}) {
            api().verify(1, getRequestedFor(urlEqualTo(LINES + kind + "/lines?delta_timestamp=2025-07-01T16%3A05%3A00.500001")));
        }
        assertThat(logLines("WARN")).filteredOn(line -> line.contains("Focus")).isEmpty();
    }

    @Test
    void stateDocumentsOfThePreviousVersionAreRead() {
        collection("promotions").insertOne(new Document("_id", "x").append("id", "x").append("created_at", "2025-05-21T10:00:00Z"));
        Map<String, String> sentFor = new LinkedHashMap<>();
        sentFor.put("2025-05-21T10:00:00Z", "2025-05-21T10%3A00%3A00.000000");
        sentFor.put("2025-05-21T10:00:00.002Z", "2025-05-21T10%3A00%3A00.002000");
        sentFor.put("2025-07-01T16:01:00.827904Z", "2025-07-01T16%3A01%3A00.827904");
        sentFor.put("2025-07-01T16:01:00.827905123Z", "2025-07-01T16%3A01%3A00.827905");
        int runs = 0;
        for (Map.Entry<String, String> stored : sentFor.entrySet()) {
            // the first as written before state documents had a version
            storeState(previousVersionState(stored.getKey(), runs == 0 ? null : 7L));
            stubDelta(stored.getValue(), "", "", "");
            stubState(stored.getValue(), 1);

            runOnce();

            runs++;
            assertThat(logLines("Focus promotions (delta): lines=0 created=0 updated=0 deleted=0 local=1 remote=1 in ")).as(stored.getKey()).hasSize(runs);
            assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo(stored.getKey());
            for (String kind : new String[] {"created", "updated", "deleted"}) {
                api().verify(1, getRequestedFor(urlEqualTo(LINES + kind + "/lines?delta_timestamp=" + stored.getValue())));
            }
        }

        // one that is no date-time: a full load says why, and the state moves on from the rows
        storeState(previousVersionState("yesterday", 7L));
        api().stubFor(get(LINES + "full/lines").willReturn(aResponse().withBody(row("x", "2025-07-02T00:00:00Z", null))));
        stubState("2025-07-02T00%3A00%3A00.000000", 1);

        runOnce();

        assertThat(state("promotions").get("lastRun", Document.class)).containsEntry("mode", "full")
                .containsEntry("reason", "the stored delta timestamp 'yesterday' is not a date-time");
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo("2025-07-02T00:00:00Z");
        assertThat(logLines("Focus promotions (full): lines=1 created=0 updated=1 deleted=0 local=1 remote=1 in ")).hasSize(1);
    }

    private void stubDelta(String window, String created, String updated, String deleted) {
        Map.of("created", created, "updated", updated, "deleted", deleted).forEach((kind, lines) ->
                api().stubFor(get(LINES + kind + "/lines?delta_timestamp=" + window).willReturn(aResponse().withBody(lines))));
    }

    private void stubState(String window, long total) {
        api().stubFor(get(LINES + "state?delta_timestamp=" + window).willReturn(aResponse().withBody("{\"total_items\": " + total + "}")));
    }

    private void storeState(Document state) {
        mongo().getDatabase("tractian").getCollection("sync_state")
                .replaceOne(Filters.eq("_id", "focus_promotions"), state, new ReplaceOptions().upsert(true));
    }

    /** A state document as the previous version wrote it: the delta timestamp as a UTC instant ending in Z. */
    private static Document previousVersionState(String deltaTimestamp, Long version) {
        Document lastRun = new Document("mode", "delta").append("reason", "since " + deltaTimestamp)
                .append("startedAt", new Date()).append("finishedAt", new Date()).append("durationMs", 12L)
                .append("lines", 0L).append("created", 0L).append("updated", 0L).append("deleted", 0L)
                .append("localCount", 1L).append("remoteCount", 1L);
        Document state = new Document("_id", "focus_promotions").append("resource", "promotions").append("collection", "focus_promotions")
                .append("deltaTimestamp", deltaTimestamp).append("fullReloadRequired", false).append("fullReloadReason", null)
                .append("lastRun", lastRun);
        return version == null ? state : state.append("version", version);
    }

    private static String row(String id, String createdAt, String updatedAt) {
        return "{\"id\": \"" + id + "\", \"name\": \"Promotion " + id + "\", \"created_at\": \"" + createdAt + "\", \"updated_at\": "
                + (updatedAt == null ? "null" : "\"" + updatedAt + "\"") + "}";
    }
}
