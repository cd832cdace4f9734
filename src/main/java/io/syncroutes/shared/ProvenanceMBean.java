package io.syncroutes.shared;

/** Runs and provenance as JMX operations (Hawtio: JMX, io.syncroutes, Provenance, Operations); each answers JSON. */
public interface ProvenanceMBean {

    /** The latest runs of a flow (all flows when blank), newest first. */
    String runs(String flow, int limit);

    /** One run by its id. */
    String run(String id);

    /** The latest writes of one record of a flow (a work order number, a case id, a product id, a Qargo unavailability id). */
    String provenance(String flow, String key);

    /** Removes runs and ledger entries older than the retention now; returns what it removed. */
    String purge();

    /** How long runs and ledger entries are kept, in days (SYNC_RUNS_RETENTION_DAYS). */
    long getRetentionDays();
}
