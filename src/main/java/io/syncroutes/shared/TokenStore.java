package io.syncroutes.shared;

import java.time.Instant;
import java.util.Optional;

/**
 * Where an {@link OAuth2TokenProvider} keeps its token between restarts (for APIs that allow only a few token
 * requests per hour): read once when the provider first needs a token, written after every fetch.
 */
public interface TokenStore {

    /** A stored token and when it expires. */
    record StoredToken(String value, Instant expiresAt) {
    }

    /** Keeps nothing: every start fetches a new token. */
    TokenStore NONE = new TokenStore() {
        @Override
        public Optional<StoredToken> load() {
            return Optional.empty();
        }

        @Override
        public void save(StoredToken token) {
            // nothing kept
        }
    };

    /** The token kept by an earlier run, if any (expired or not: the provider decides). */
    Optional<StoredToken> load();

    /** Keeps a newly fetched token. A store that cannot write should log and return: the token still serves. */
    void save(StoredToken token);
}
