package io.syncroutes;

import io.syncroutes.infra.InfraConfiguration;
import io.syncroutes.products.ProductsConfiguration;
import io.syncroutes.workorders.WorkOrdersConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

/** Runs sync-routes: camel-main, the YAML routes in {@code routes/}, and the beans of each flow. */
public final class App {

    private App() {
    }

    public static void main(String... args) throws Exception {
        Main main = new Main();
        configure(main.configure());
        main.run(args);
    }

    /** Adds the configuration classes of the infrastructure and of every flow (tests call this too). */
    public static void configure(MainConfigurationProperties config) {
        config.addConfiguration(InfraConfiguration.class);
        config.addConfiguration(WorkOrdersConfiguration.class);
        config.addConfiguration(ProductsConfiguration.class);
    }
}
