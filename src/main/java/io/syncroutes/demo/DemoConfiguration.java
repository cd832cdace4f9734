package io.syncroutes.demo;

import io.syncroutes.infra.Settings;
import io.syncroutes.simulators.IvantiSimulator;
import io.syncroutes.simulators.QargoSimulator;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * Demo mode ({@code --demo} or SYNC_DEMO=true): every flow runs on one machine with nothing installed. Starts the
 * Ivanti simulator and points the products flow at it, and the Qargo simulator (master and local environments)
 * and points the unavailabilities flow at it; {@code routes/demo.camel.yaml} then feeds sample work-order
 * files and product messages. Without demo mode nothing here happens: a flow whose remote system is not configured
 * stays off.
 */
public class DemoConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DemoConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        if (!Boolean.parseBoolean(Settings.get(context, "sync.demo"))) {
            return;
        }
        IvantiSimulator ivanti = new IvantiSimulator("demo-client", "demo-client-secret", "demo-api-key",
                Duration.ofMillis(Long.parseLong(Settings.get(context, "demo.ivanti.latency-ms"))),
                Double.parseDouble(Settings.get(context, "demo.ivanti.transient-failure-rate")));
        int port = ivanti.start("127.0.0.1", Integer.parseInt(Settings.get(context, "demo.ivanti.port")));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                ivanti.close();
            }
        }, true, true);
        context.getRegistry().bind("ivantiSimulator", ivanti);
        context.getRegistry().bind("demoData", new DemoData());

        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty("ivanti.api-url", ivanti.url());
        properties.addOverrideProperty("ivanti.token-url", ivanti.url() + "/oauth/token");
        properties.addOverrideProperty("ivanti.client-id", "demo-client");
        properties.addOverrideProperty("ivanti.client-secret", "demo-client-secret");
        properties.addOverrideProperty("ivanti.api-key", "demo-api-key");
        properties.addOverrideProperty("products.stats-interval-ms", Settings.get(context, "demo.products.stats-interval-ms"));
        int qargoPort = startQargo(context, properties);
        LOG.info("DEMO MODE: Ivanti simulator on 127.0.0.1:{}, Qargo simulator (master and local) on 127.0.0.1:{}; sample "
                + "work-order files and product messages are fed in, Qargo master unavailabilities change "
                + "(routes/demo.camel.yaml). Not for production.", port, qargoPort);
    }

    /** The Qargo simulator with both environments filled, the unavailabilities flow pointed at it; returns its port. */
    private static int startQargo(CamelContext context, PropertiesComponent properties) throws Exception {
        QargoSimulator qargo = new QargoSimulator("demo-master", "demo-master-secret", "demo-local", "demo-local-secret");
        int port = qargo.start("127.0.0.1", Integer.parseInt(Settings.get(context, "demo.qargo.port")));
        qargo.seed(new Random(), Integer.parseInt(Settings.get(context, "demo.qargo.resources")), 5, LocalDate.now(ZoneOffset.UTC).getYear());
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                qargo.close();
            }
        }, true, true);
        context.getRegistry().bind("qargoSimulator", qargo);
        properties.addOverrideProperty("qargo.client-id", "demo-local");
        properties.addOverrideProperty("qargo.client-secret", "demo-local-secret");
        properties.addOverrideProperty("qargo.api-url", qargo.apiUrl(qargo.local()));
        properties.addOverrideProperty("qargo.auth-url", qargo.authUrl(qargo.local()));
        properties.addOverrideProperty("qargo.master.client-id", "demo-master");
        properties.addOverrideProperty("qargo.master.client-secret", "demo-master-secret");
        properties.addOverrideProperty("qargo.master.api-url", qargo.apiUrl(qargo.master()));
        properties.addOverrideProperty("qargo.master.auth-url", qargo.authUrl(qargo.master()));
        properties.addOverrideProperty("qargo.sync-interval-ms", Settings.get(context, "demo.qargo.sync-interval-ms"));
        properties.addOverrideProperty("qargo.sync-delay-ms", "2000");
        return port;
    }
}
