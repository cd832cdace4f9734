package io.syncroutes.cases;

import java.util.List;

/** A request the local case API answers with an error status in the reference error shape (422 invalid request, 404 no such case, 503 flow off). */
public class CaseApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<String> messages;

    public CaseApiException(int status, String title, String detail, List<String> messages) {
        super(detail);
        this.status = status;
        this.title = title;
        this.messages = List.copyOf(messages);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<String> messages() {
        return messages;
    }
}
