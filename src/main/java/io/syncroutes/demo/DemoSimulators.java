package io.syncroutes.demo;

import io.syncroutes.simulators.FocusSimulator;
import io.syncroutes.simulators.HttpSimulator;
import io.syncroutes.simulators.IntempusSimulator;
import io.syncroutes.simulators.IvantiSimulator;
import io.syncroutes.simulators.QargoSimulator;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The four simulators with their demo credentials and sample data, and the settings that point a flow at each of
 * them: {@code --demo} applies those settings to the running app, {@code --simulators} prints them.
 */
public final class DemoSimulators implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    /** A setting of application.properties, its environment variable and the value that points the flow at a simulator. */
    public record Setting(String property, String variable, String value) {
    }

    /** One running simulator: the system it stands in for, its URL and the settings that reach it. */
    public record Simulator(String system, String url, List<Setting> settings) {
    }

    private final List<HttpSimulator> running = new ArrayList<>();
    private final List<Simulator> simulators = new ArrayList<>();
    private IvantiSimulator ivanti;
    private IntempusSimulator intempus;
    private FocusSimulator focus;
    private QargoSimulator qargo;

    private DemoSimulators() {
    }

    /** Starts the four simulators on the ports of {@code demo.*.port} (0 = any free one), with their sample data. */
    public static DemoSimulators start(Function<String, String> settings) throws Exception {
        DemoSimulators demo = new DemoSimulators();
        try {
            demo.startIvanti(settings);
            demo.startIntempus(settings);
            demo.startFocus(settings);
            demo.startQargo(settings);
            return demo;
        } catch (Exception e) {
            demo.close();
            throw e;
        }
    }

    private void startIvanti(Function<String, String> settings) throws Exception {
        ivanti = new IvantiSimulator("demo-client", "demo-client-secret", "demo-api-key",
                Duration.ofMillis(Long.parseLong(settings.apply("demo.ivanti.latency-ms"))),
                Double.parseDouble(settings.apply("demo.ivanti.transient-failure-rate")));
        ivanti.start(HOST, Integer.parseInt(settings.apply("demo.ivanti.port")));
        running.add(ivanti);
        simulators.add(new Simulator("Ivanti", ivanti.url(), List.of(
                new Setting("ivanti.api-url", "IVANTI_API_URL", ivanti.url()),
                new Setting("ivanti.token-url", "IVANTI_TOKEN_URL", ivanti.url() + "/oauth/token"),
                new Setting("ivanti.client-id", "IVANTI_CLIENT_ID", "demo-client"),
                new Setting("ivanti.client-secret", "IVANTI_CLIENT_SECRET", "demo-client-secret"),
                new Setting("ivanti.api-key", "IVANTI_API_KEY", "demo-api-key"))));
    }

    /** Sample cases that change, appear and disappear over time. */
    private void startIntempus(Function<String, String> settings) throws Exception {
        intempus = new IntempusSimulator("demo-user", "demo-intempus-key",
                Duration.ofMillis(Long.parseLong(settings.apply("demo.intempus.latency-ms"))));
        intempus.start(HOST, Integer.parseInt(settings.apply("demo.intempus.port")));
        running.add(intempus);
        intempus.generate(Integer.parseInt(settings.apply("demo.intempus.cases")));
        intempus.churn(Duration.ofMillis(Long.parseLong(settings.apply("demo.intempus.churn-ms"))));
        simulators.add(new Simulator("Intempus", intempus.url(), List.of(
                new Setting("intempus.api-uri", "INTEMPUS_API_URI", intempus.url()),
                new Setting("intempus.api-user", "INTEMPUS_API_USER", "demo-user"),
                new Setting("intempus.api-key", "INTEMPUS_API_KEY", "demo-intempus-key"))));
    }

    /** The resource {@code promotions}, changed over time by the demo routes or {@link SimulatorsOnly}. */
    private void startFocus(Function<String, String> settings) throws Exception {
        focus = new FocusSimulator("demo-user", "demo-focus-password", "demo", "dk", Duration.ofMinutes(30));
        focus.promotions("promotions");
        for (int i = 0; i < 25; i++) {
            focus.randomChange("promotions");
        }
        focus.start(HOST, Integer.parseInt(settings.apply("demo.focus.port")));
        running.add(focus);
        simulators.add(new Simulator("Focus API", focus.url(), List.of(
                new Setting("focus.api-url", "FOCUS_API_URL", focus.url()),
                new Setting("focus.user", "FOCUS_USER", "demo-user"),
                new Setting("focus.password", "FOCUS_PASSWORD", "demo-focus-password"),
                new Setting("focus.business-service", "FOCUS_BUSINESS_SERVICE", "demo"),
                new Setting("focus.country", "FOCUS_COUNTRY", "dk"))));
    }

    /**
     * Both environments on one host and one token endpoint, as Qargo has: each is chosen by its credentials, so the
     * master URLs stay unset.
     */
    private void startQargo(Function<String, String> settings) throws Exception {
        qargo = new QargoSimulator("demo-master", "demo-master-secret", "demo-local", "demo-local-secret");
        qargo.start(HOST, Integer.parseInt(settings.apply("demo.qargo.port")));
        running.add(qargo);
        qargo.seed(new Random(), Integer.parseInt(settings.apply("demo.qargo.resources")), 5, LocalDate.now(ZoneOffset.UTC).getYear());
        simulators.add(new Simulator("Qargo (master and local)", qargo.apiUrl(), List.of(
                new Setting("qargo.api-url", "QARGO_API_URL", qargo.apiUrl()),
                new Setting("qargo.auth-url", "QARGO_AUTH_URL", qargo.authUrl()),
                new Setting("qargo.client-id", "QARGO_CLIENT_ID", "demo-local"),
                new Setting("qargo.client-secret", "QARGO_CLIENT_SECRET", "demo-local-secret"),
                new Setting("qargo.master.client-id", "QARGO_MASTER_CLIENT_ID", "demo-master"),
                new Setting("qargo.master.client-secret", "QARGO_MASTER_CLIENT_SECRET", "demo-master-secret"),
                new Setting("qargo.master.api-url", "QARGO_MASTER_API_URL", ""),
                new Setting("qargo.master.auth-url", "QARGO_MASTER_AUTH_URL", ""))));
    }

    public List<Simulator> simulators() {
        return List.copyOf(simulators);
    }

    public IvantiSimulator ivanti() {
        return ivanti;
    }

    public IntempusSimulator intempus() {
        return intempus;
    }

    public FocusSimulator focus() {
        return focus;
    }

    public QargoSimulator qargo() {
        return qargo;
    }

    @Override
    public void close() {
        for (HttpSimulator simulator : running) {
            simulator.close();
        }
        running.clear();
    }
}
