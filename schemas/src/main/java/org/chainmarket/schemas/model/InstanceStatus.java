package org.chainmarket.schemas.model;

/** The operational status of a VNF instance or link, as reported by its provider or judged by monitoring. */
public enum InstanceStatus {
    /** Running and within its thresholds. */
    UP,
    /** Running, but reported degraded or past a threshold. */
    DEGRADED,
    /** Reported down, or its heartbeats stopped. */
    DOWN
}
