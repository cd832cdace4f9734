package io.syncroutes.workorders;

/**
 * An inbound file that was not complete when it was read: its JSON ended early, or it changed while it was read. It
 * stays in the inbound folder and is read again once it has changed (see {@link IncompleteFiles}).
 */
final class IncompleteFileException extends RuntimeException {

    IncompleteFileException(String what) {
        super(what, null, false, false);
    }
}
