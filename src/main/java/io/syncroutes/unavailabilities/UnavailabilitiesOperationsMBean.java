package io.syncroutes.unavailabilities;

/** The unavailabilities flow's JMX operations (Hawtio: JMX, io.syncroutes, Operations). */
public interface UnavailabilitiesOperationsMBean {

    /** Runs a sync now and returns its one-line summary. */
    String runNow();

    /** Whether a run is in progress. */
    boolean isRunning();
}
