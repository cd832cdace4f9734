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

    String getLastErrorAt();

    Map<String, String> getRecentErrors();
}
