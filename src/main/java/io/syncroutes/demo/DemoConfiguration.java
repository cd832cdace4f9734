package io.syncroutes.demo;

import io.syncroutes.infra.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode ({@code --demo} or SYNC_DEMO=true): every flow runs on one machine with nothing installed. Starts the
 * simulators of Ivanti, Intempus, the Focus API and Qargo and points each flow at its own; {@code routes/demo.camel.yaml}
 * then feeds sample work-order files and product messages and keeps the simulators' data changing. Without demo mode
 * nothing here happens: a flow whose remote system is not configured stays off.
 */
public class DemoConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DemoConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        if (!Boolean.parseBoolean(Settings.get(context, "sync.demo"))) {
            return;
        }
        DemoSimulators demo = DemoSimulators.start(key -> Settings.get(context, key));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                demo.close();
            }
        }, true, true);
        context.getRegistry().bind("ivantiSimulator", demo.ivanti());
        context.getRegistry().bind("intempusSimulator", demo.intempus());
        context.getRegistry().bind("focusSimulator", demo.focus());
        context.getRegistry().bind("qargoSimulator", demo.qargo());
        context.getRegistry().bind("demoData", new DemoData());

        PropertiesComponent properties = context.getPropertiesComponent();
        for (DemoSimulators.Simulator simulator : demo.simulators()) {
            simulator.settings().forEach(setting -> properties.addOverrideProperty(setting.property(), setting.value()));
            LOG.info("DEMO MODE: {} simulator on {}", simulator.system(), simulator.url());
        }
        // the demo's data changes every few seconds: the flows pull it as often
        properties.addOverrideProperty("products.stats-interval-ms", Settings.get(context, "demo.products.stats-interval-ms"));
        properties.addOverrideProperty("intempus.sync-interval-ms", Settings.get(context, "demo.intempus.sync-interval-ms"));
        properties.addOverrideProperty("intempus.full-sync-interval-ms", Settings.get(context, "demo.intempus.full-sync-interval-ms"));
        properties.addOverrideProperty("focus.sync-interval-ms", Settings.get(context, "demo.focus.sync-interval-ms"));
        properties.addOverrideProperty("qargo.sync-interval-ms", Settings.get(context, "demo.qargo.sync-interval-ms"));
        properties.addOverrideProperty("qargo.sync-delay-ms", "2000");
        properties.addOverrideProperty("rabbitmq.embedded.store", Settings.get(context, "demo.rabbitmq.embedded.store"));
        LOG.info("DEMO MODE: sample work-order files and product messages are fed in, the simulators' data changes "
                + "(routes/demo.camel.yaml). Not for production.");
    }
}
