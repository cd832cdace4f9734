package io.syncroutes.resources;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;

import java.util.Properties;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** The resources flow against WireMock in place of the Focus API: exact requests and answers, stopped after each test. */
abstract class ResourcesWireMockTestSupport extends ResourcesTestSupport {

    private WireMockServer api;

    /** The stand-in API (started on first use: the app's properties ask for its port). */
    protected WireMockServer api() {
        if (api == null) {
            api = new WireMockServer(options().dynamicPort());
            api.start();
        }
        return api;
    }

    @Override
    protected Properties resourcesProperties() {
        Properties props = new Properties();
        props.put("focus.api-url", "http://127.0.0.1:" + api().port());
        return props;
    }

    @AfterEach
    void stopApi() {
        if (api != null) {
            api.stop();
        }
    }
}
