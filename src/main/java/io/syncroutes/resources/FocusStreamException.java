package io.syncroutes.resources;

/**
 * A lines response that broke off mid-way: the run of that resource fails (its state stays where it was, the next
 * run repeats the window). Deliberately not an IOException: the response cannot be redelivered once half read.
 */
public class FocusStreamException extends RuntimeException {

    public FocusStreamException(String message) {
        super(message);
    }
}
