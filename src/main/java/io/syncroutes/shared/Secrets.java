package io.syncroutes.shared;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Configured secret values (passwords, client secrets, API keys, tokens), masked wherever text leaves the app. */
public final class Secrets {

    private static final String MASK = "****";
    /** Shorter values are not masked: masking "ab" would garble every text. */
    private static final int MIN_LENGTH = 4;

    private final List<String> values;

    public Secrets(Collection<String> values) {
        this.values = values.stream().filter(Objects::nonNull).map(String::trim)
                .filter(v -> v.length() >= MIN_LENGTH).distinct()
                // longest first, so a secret that contains another is masked whole
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** {@code text} with every configured secret value replaced by {@value #MASK}. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String value : values) {
            masked = masked.replace(value, MASK);
        }
        return masked;
    }
}
