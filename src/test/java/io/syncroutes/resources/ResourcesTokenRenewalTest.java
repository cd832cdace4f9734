package io.syncroutes.resources;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** A token is renewed once it is FOCUS_TOKEN_RENEW_S old, before Focus would reject it (no 401 needed). */
class ResourcesTokenRenewalTest extends ResourcesTestSupport {

    @Override
    protected Properties resourcesProperties() {
        Properties props = new Properties();
        props.put("focus.token-renew-s", "1");
        return props;
    }

    @Test
    void anOldTokenIsRenewedBeforeUse() throws InterruptedException {
        focus().put("promotions", promotion(id(1), "Promotion 1", 0.1));
        runOnce();
        runOnce();
        assertThat(focus().requests("auth")).as("young token reused").isEqualTo(1);

        Thread.sleep(1_100);
        runOnce();

        assertThat(focus().requests("auth")).isEqualTo(2);
        assertThat(focus().requests("401")).isZero();
        assertThat(logLines("Focus promotions (delta)")).hasSize(2);
    }
}
