package io.syncroutes.unavailabilities;

import io.syncroutes.shared.OAuth2TokenProvider;
import org.apache.camel.Exchange;

import java.io.IOException;

/**
 * One Qargo environment as the flow reaches it (beans {@code qargoMaster}, {@code qargoLocal}): its API URL and its
 * token, from the shared provider (HTTP Basic client credentials, kept in MongoDB by {@link MongoTokenStore}).
 */
public final class QargoConnection {

    private static final String BEARER = "Bearer ";

    private final String environment;
    private final String apiUrl;
    private final OAuth2TokenProvider tokens;

    QargoConnection(String environment, String apiUrl, OAuth2TokenProvider tokens) {
        this.environment = environment;
        this.apiUrl = apiUrl;
        this.tokens = tokens;
    }

    /** Sets {@code Authorization: Bearer <token>} on a call, fetching a token first if there is none valid. */
    public void authorize(Exchange exchange) throws IOException, InterruptedException {
        tokens.authorize(exchange);
    }

    /** A call was answered 401: its token is dropped (unless already replaced), so the next call fetches a new one. */
    public void forgetRejectedToken(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header != null && header.startsWith(BEARER)) {
            tokens.invalidate(header.substring(BEARER.length()));
        }
    }

    /** Tokens fetched so far (each one of the 5 Qargo allows an hour). */
    long tokenFetches() {
        return tokens.fetches();
    }

    String environment() {
        return environment;
    }

    String apiUrl() {
        return apiUrl;
    }

    @Override
    public String toString() {
        return "Qargo " + environment + " " + apiUrl;
    }
}
