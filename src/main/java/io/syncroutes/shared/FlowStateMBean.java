package io.syncroutes.shared;

import java.util.Map;

/** What JMX (and so Hawtio) shows of one flow's sync state. */
public interface FlowStateMBean {

    String getFlow();

    String getMode();

    String getLastRunAt();

    String getLastRun();

    Map<String, Long> getTotals();

    long getLag();

    String getLagDescription();

    /** When the lag shown was computed (in the background). */
    String getLagAt();

    long getLagAgeMs();

    /** closed, open or half-open; null when the flow has no circuit breaker. */
    String getCircuitState();

    String getCircuitSince();

    String getCircuitLastError();

    String getCircuitLastErrorAt();

    /** Per cluster namespace of the flow's polled work: whether this instance leads it (runs it) now. */
    Map<String, Boolean> getLeads();

    String getLastErrorAt();

    Map<String, String> getRecentErrors();
}
