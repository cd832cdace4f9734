package io.syncroutes.resources;

import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.OAuth2TokenProvider.TokenException;
import org.apache.camel.Exchange;

import java.io.IOException;

/**
 * The Focus token on every call ({@code authorization: <token>}, no scheme), from the shared token provider. A
 * refused login is reported by its status only: the answer's body may carry a token, so it never reaches a log.
 */
public final class FocusLogin {

    private final OAuth2TokenProvider tokens;

    public FocusLogin(OAuth2TokenProvider tokens) {
        this.tokens = tokens;
    }

    /** Sets the {@code authorization} header of a call. */
    public void authorize(Exchange exchange) throws IOException, InterruptedException {
        try {
            tokens.authorize(exchange);
        } catch (TokenException e) {
            throw sanitized(e);
        }
    }

    /** Before a call answered 401 is sent again: a new token. */
    public void reauthorize(Exchange exchange) throws IOException, InterruptedException {
        try {
            tokens.reauthorize(exchange);
        } catch (TokenException e) {
            throw sanitized(e);
        }
    }

    public long fetches() {
        return tokens.fetches();
    }

    private static TokenException sanitized(TokenException e) {
        return new TokenException("Focus API login (POST /api/v1/auth) answered " + e.status() + " instead of 201 {token}", e.status());
    }
}
