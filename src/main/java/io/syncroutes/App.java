package io.syncroutes;

import io.syncroutes.cases.CasesConfiguration;
import io.syncroutes.demo.DemoConfiguration;
import io.syncroutes.infra.InfraConfiguration;
import io.syncroutes.infra.RoutesLocation;
import io.syncroutes.products.ProductsConfiguration;
import io.syncroutes.resources.ResourcesConfiguration;
import io.syncroutes.unavailabilities.UnavailabilitiesConfiguration;
import io.syncroutes.workorders.WorkOrdersConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

import java.util.Arrays;

/** Runs sync-routes: camel-main, the YAML routes in {@code routes/}, and the beans of each flow ({@code --demo}: demo mode). */
public final class App {

    private App() {
    }

    public static void main(String... args) throws Exception {
        Main main = new Main();
        if (!RoutesLocation.configure(main, System.getenv("ROUTES_DIR"), java.nio.file.Path.of(""))) {
            System.exit(2);
        }
        configure(main.configure());
        if (Arrays.asList(args).contains("--demo")) {
            main.addOverrideProperty("sync.demo", "true");
        }
        main.run(Arrays.stream(args).filter(arg -> !arg.equals("--demo")).toArray(String[]::new));
    }

    /** Adds the configuration classes of the infrastructure, the demo and every flow, in that order (tests call this too). */
    public static void configure(MainConfigurationProperties config) {
        config.addConfiguration(InfraConfiguration.class);
        config.addConfiguration(DemoConfiguration.class);
        config.addConfiguration(WorkOrdersConfiguration.class);
        config.addConfiguration(ProductsConfiguration.class);
        config.addConfiguration(CasesConfiguration.class);
        config.addConfiguration(ResourcesConfiguration.class);
        config.addConfiguration(UnavailabilitiesConfiguration.class);
    }
}
