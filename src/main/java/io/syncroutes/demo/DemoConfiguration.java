package io.syncroutes.demo;

import io.syncroutes.infra.Settings;
import io.syncroutes.simulators.IntempusSimulator;
import io.syncroutes.simulators.FocusSimulator;
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
 * simulators of Ivanti, Intempus (cases changing over time), the Focus API and Qargo (master and local environments)
 * and points each flow at its own; {@code routes/demo.camel.yaml} then feeds sample work-order files and product
 * messages and keeps the simulators' data changing. Without demo mode nothing here happens: a flow whose remote system is not configured
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
        int intempusPort = startIntempus(context, properties);
        startFocusSimulator(context);
        int qargoPort = startQargo(context, properties);
        LOG.info("DEMO MODE: Ivanti simulator on 127.0.0.1:{}; sample work-order files and product messages are fed in "
                + "(routes/demo.camel.yaml). Not for production.", port);
        LOG.info("DEMO MODE: Qargo simulator (master and local environments, one host) on 127.0.0.1:{}; master unavailabilities change over time", qargoPort);
        LOG.info("DEMO MODE: Intempus simulator on 127.0.0.1:{} (cases change every {} ms)", intempusPort,
                Settings.get(context, "demo.intempus.churn-ms"));
    }

    /** The Intempus simulator with sample cases that change over time; the cases flow points at it. */
    private static int startIntempus(CamelContext context, PropertiesComponent properties) throws Exception {
        IntempusSimulator intempus = new IntempusSimulator("demo-user", "demo-intempus-key",
                Duration.ofMillis(Long.parseLong(Settings.get(context, "demo.intempus.latency-ms"))));
        int port = intempus.start("127.0.0.1", Integer.parseInt(Settings.get(context, "demo.intempus.port")));
        intempus.generate(Integer.parseInt(Settings.get(context, "demo.intempus.cases")));
        intempus.churn(Duration.ofMillis(Long.parseLong(Settings.get(context, "demo.intempus.churn-ms"))));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                intempus.close();
            }
        }, true, true);
        context.getRegistry().bind("intempusSimulator", intempus);
        properties.addOverrideProperty("intempus.api-uri", intempus.url());
        properties.addOverrideProperty("intempus.api-user", "demo-user");
        properties.addOverrideProperty("intempus.api-key", "demo-intempus-key");
        properties.addOverrideProperty("intempus.sync-interval-ms", Settings.get(context, "demo.intempus.sync-interval-ms"));
        properties.addOverrideProperty("intempus.full-sync-interval-ms", Settings.get(context, "demo.intempus.full-sync-interval-ms"));
        return port;
    }

    /** The Focus API simulator (resources flow): promotions that routes/demo.camel.yaml keeps changing, pulled every few seconds. */
    private static void startFocusSimulator(CamelContext context) throws Exception {
        FocusSimulator focus = new FocusSimulator("demo-user", "demo-focus-password", "demo", "dk", Duration.ofMinutes(30));
        focus.promotions("promotions");
        for (int i = 0; i < 25; i++) {
            focus.randomChange("promotions");
        }
        int port = focus.start("127.0.0.1", Integer.parseInt(Settings.get(context, "demo.focus.port")));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                focus.close();
            }
        }, true, true);
        context.getRegistry().bind("focusSimulator", focus);
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty("focus.api-url", focus.url());
        properties.addOverrideProperty("focus.user", "demo-user");
        properties.addOverrideProperty("focus.password", "demo-focus-password");
        properties.addOverrideProperty("focus.business-service", "demo");
        properties.addOverrideProperty("focus.country", "dk");
        properties.addOverrideProperty("focus.sync-interval-ms", Settings.get(context, "demo.focus.sync-interval-ms"));
        LOG.info("DEMO MODE: Focus API simulator on 127.0.0.1:{} (resource promotions, changing every {} ms)", port,
                Settings.get(context, "demo.focus.period-ms"));
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
        // one host and one token endpoint for both environments, as Qargo has: each is chosen by its credentials,
        // and the master URLs are left unset (the local ones)
        properties.addOverrideProperty("qargo.api-url", qargo.apiUrl());
        properties.addOverrideProperty("qargo.auth-url", qargo.authUrl());
        properties.addOverrideProperty("qargo.master.api-url", "");
        properties.addOverrideProperty("qargo.master.auth-url", "");
        properties.addOverrideProperty("qargo.client-id", "demo-local");
        properties.addOverrideProperty("qargo.client-secret", "demo-local-secret");
        properties.addOverrideProperty("qargo.master.client-id", "demo-master");
        properties.addOverrideProperty("qargo.master.client-secret", "demo-master-secret");
        properties.addOverrideProperty("qargo.sync-interval-ms", Settings.get(context, "demo.qargo.sync-interval-ms"));
        properties.addOverrideProperty("qargo.sync-delay-ms", "2000");
        return port;
    }
}
