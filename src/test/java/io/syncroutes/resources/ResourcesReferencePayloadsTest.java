package io.syncroutes.resources;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.syncroutes.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact reference payloads (schema with its comment, full and deleted lines, state) served by WireMock: the
 * login body and 201 answer, the raw {@code authorization} header, the paths, the delta timestamp sent.
 */
class ResourcesReferencePayloadsTest extends ResourcesWireMockTestSupport {

    private static final String REF = "reference/focus-api/";
    private static final String TOKEN = "ref-token-0123456789";
    private static final String BASE = "/api/v1/" + BUSINESS_SERVICE + "/resource/";

    @Override
    protected Properties resourcesProperties() {
        Properties props = super.resourcesProperties();
        props.put("focus.lang", "da");
        return props;
    }

    @Test
    void referencePayloadsFullThenDelta() {
        api().stubFor(post("/api/v1/auth").withRequestBody(equalToJson("{\"username\": \"" + USER + "\", \"password\": \"" + PASSWORD + "\"}"))
                .willReturn(aResponse().withStatus(201).withBody("{\"token\": \"" + TOKEN + "\"}")));
        api().stubFor(get(BASE + "schema").withHeader("authorization", equalTo(TOKEN))
                .willReturn(aResponse().withBody(text(REF + "SYNTHETIC_schema_response.json"))));
        api().stubFor(get(BASE + "promotions/" + COUNTRY + "/full/lines?lang=da").withHeader("authorization", equalTo(TOKEN))
                .willReturn(aResponse().withBody(text(REF + "SYNTHETIC_full_lines.ndjson"))));
        api().stubFor(get(urlPathEqualTo(BASE + "promotions/" + COUNTRY + "/state")).withHeader("authorization", equalTo(TOKEN))
                .willReturn(aResponse().withBody("{\"total_items\": 2}")));

        runOnce();

        assertThat(collection("promotions").find(new Document("_id", "7f1c0c5e-1111-4a1b-9c1d-000000000002")).first())
                .containsEntry("name", "Summer sale").containsEntry("discount", 0.15).containsEntry("updated_at", "2025-05-21T10:00:00Z");
        assertThat(state("promotions").getString("deltaTimestamp")).isEqualTo("2025-05-21T10:00:00Z");
        assertThat(logLines("Focus promotions (full): lines=2 created=2 updated=0 deleted=0 local=2 remote=2 in ")).hasSize(1);

        // the newest row timestamp, 2025-05-21T10:00:00Z, in the API's one form: UTC without an offset, microseconds
        String window = "?delta_timestamp=2025-05-21T10%3A00%3A00.000000&lang=da";
        for (String kind : new String[] {"created", "updated"}) {
            api().stubFor(get(BASE + "promotions/" + COUNTRY + "/" + kind + "/lines" + window).willReturn(aResponse().withBody("")));
        }
        api().stubFor(get(BASE + "promotions/" + COUNTRY + "/deleted/lines" + window).withHeader("authorization", equalTo(TOKEN))
                .willReturn(aResponse().withBody(text(REF + "SYNTHETIC_deleted_lines.ndjson"))));
        api().stubFor(get(urlPathEqualTo(BASE + "promotions/" + COUNTRY + "/state"))
                .willReturn(aResponse().withBody(text(REF + "SYNTHETIC_state_response.json"))));

        runOnce();

        assertThat(logLines("Focus promotions (delta): lines=1 created=0 updated=0 deleted=1 local=1 remote=1 in ")).hasSize(1);
        assertThat(collection("promotions").find(new Document("_id", "7f1c0c5e-1111-4a1b-9c1d-000000000001")).first()).isNull();
        api().verify(1, postRequestedForAuth());
        api().verify(2, getRequestedFor(urlEqualTo(BASE + "promotions/" + COUNTRY + "/state?delta_timestamp=2025-05-21T10%3A00%3A00.000000")));
    }

    @Test
    void aLoginAnsweredOtherwiseThan201IsRefused() {
        String unexpected = "token-in-a-200-answer-42";
        api().stubFor(post("/api/v1/auth").willReturn(aResponse().withStatus(200).withBody("{\"token\": \"" + unexpected + "\"}")));

        runOnce();

        assertThat(logLines(" WARN ")).filteredOn(l -> l.contains("Focus")).singleElement().asString()
                .contains("Focus API login (POST /api/v1/auth) answered 200 instead of 201");
        assertThat(log()).doesNotContain(unexpected);
        api().verify(0, getRequestedFor(urlPathEqualTo(BASE + "schema")));
    }

    private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder postRequestedForAuth() {
        return com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/api/v1/auth"));
    }
}
