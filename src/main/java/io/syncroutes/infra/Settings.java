package io.syncroutes.infra;

import org.apache.camel.CamelContext;

/** Reading the app's settings (application.properties, overridden by environment variables) in configuration classes. */
public final class Settings {

    private Settings() {
    }

    /** The resolved value of {@code key}, trimmed; "" when unset. */
    public static String get(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }

    /** A positive whole number; otherwise the start fails with one message naming the environment variable. */
    public static int positive(CamelContext context, String key, String variable) {
        String value = get(context, key);
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be a positive whole number, not '" + value + "'");
    }

    /**
     * Whether a flow runs dry (reads and decides, writes nothing): its own setting ({@code <flow>.dry-run}) when set,
     * else {@code sync.dry-run} (SYNC_DRY_RUN). Anything but true or false fails the start, naming the variable.
     */
    public static boolean dryRun(CamelContext context, String flowKey, String variable) {
        String own = get(context, flowKey);
        String value = own.isEmpty() ? get(context, "sync.dry-run") : own;
        if (value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException((own.isEmpty() ? "SYNC_DRY_RUN" : variable) + " must be true or false, not '" + value + "'");
    }
}
