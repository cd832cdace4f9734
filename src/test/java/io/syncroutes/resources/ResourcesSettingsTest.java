package io.syncroutes.resources;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flow is off without FOCUS_API_URL; with it, a missing or malformed setting stops the start naming its variable. */
class ResourcesSettingsTest {

    @Test
    void offWithoutTheUrl() throws Exception {
        try (CamelContext context = context(new Properties())) {
            new ResourcesConfiguration().configure(context);
            assertThat(context.getPropertiesComponent().resolveProperty("resources.enabled")).hasValue("false");
            assertThat(context.getRegistry().lookupByName("resourcesSync")).isNull();
        }
    }

    @Test
    void eachMissingOrMalformedSettingIsNamed() throws Exception {
        assertFails("focus.country", "", "FOCUS_COUNTRY is required");
        assertFails("focus.password", "", "FOCUS_PASSWORD is required");
        assertFails("focus.batch-size", "0", "FOCUS_BATCH_SIZE must be a positive whole number");
        assertFails("focus.sync-interval-ms", "soon", "FOCUS_SYNC_INTERVAL_MS must be a positive whole number");
        assertFails("focus.retry.max-retries", "-1", "FOCUS_MAX_RETRIES must be a whole number");
        assertFails("focus.api-url", "focus.example.com", "FOCUS_API_URL must start with http:// or https://");
    }

    private static void assertFails(String key, String value, String message) throws Exception {
        Properties props = valid();
        props.put(key, value);
        try (CamelContext context = context(props)) {
            assertThatThrownBy(() -> new ResourcesConfiguration().configure(context)).hasMessageContaining(message);
        }
    }

    private static Properties valid() {
        Properties props = new Properties();
        props.put("focus.api-url", "http://127.0.0.1:9");
        props.put("focus.user", "u");
        props.put("focus.password", "secret-password");
        props.put("focus.business-service", "acme");
        props.put("focus.country", "dk");
        return props;
    }

    private static CamelContext context(Properties overrides) {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("focus.api-url", "");
        props.put("focus.batch-size", "5000");
        props.put("focus.sync-interval-ms", "300000");
        props.put("focus.timeout-ms", "30000");
        props.put("focus.token-renew-s", "1500");
        props.put("focus.retry.delay-ms", "1000");
        props.put("focus.retry.max-retries", "2");
        props.putAll(overrides);
        context.getPropertiesComponent().setInitialProperties(props);
        return context;
    }
}
