package io.syncroutes.shared;

/** Input that can never be processed as it is (unparseable file, wrong top-level shape): keep it aside with this reason, do not retry. */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String reason) {
        super(reason);
    }

    public InvalidInputException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
