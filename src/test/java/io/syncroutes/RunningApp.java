package io.syncroutes;

import org.apache.camel.main.Main;

import java.util.Map;

/** The application started in this JVM as {@code java -jar} would start it, for tests and benchmarks that restart it. */
public final class RunningApp {

    private RunningApp() {
    }

    /** Starts the app with these properties overriding application.properties. */
    public static Main start(Map<String, String> properties) throws Exception {
        Main main = new Main();
        App.configure(main.configure());
        properties.forEach(main::addOverrideProperty);
        main.start();
        return main;
    }
}
