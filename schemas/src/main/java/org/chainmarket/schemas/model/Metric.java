package org.chainmarket.schemas.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;

/**
 * The metrics monitoring judges, by the name they carry on the wire ({@code Degradation.metric},
 * {@code InstanceContext.degradedMetrics}, a substitution's trigger). Each belongs to one {@link SubjectKind}. A
 * degradation of a metric that {@link #meansDown() means down} says the subject is down, so no chain can stay on it;
 * the others say it is hot or slow.
 */
public enum Metric {
    /** Instance: moving average of max(cpu, throughput / capacity), 0..1. */
    LOAD("load", SubjectKind.INSTANCE, false),
    /** Instance: CPU use, 0..1. */
    CPU("cpu", SubjectKind.INSTANCE, false),
    /** Instance: processing delay in ms. */
    PROCESSING_DELAY("processingDelayMs", SubjectKind.INSTANCE, false),
    /** Instance: seconds since its heartbeat counter last moved (or since its provider reported it down). */
    HEARTBEAT("heartbeat", SubjectKind.INSTANCE, true),
    /** Link: delay in ms. */
    DELAY("delayMs", SubjectKind.LINK, false),
    /** Link: utilization, 0..1. */
    UTILIZATION("utilization", SubjectKind.LINK, false),
    /** Link: packet loss, 0..1. */
    LOSS("loss", SubjectKind.LINK, false);

    private final String wireName;
    private final SubjectKind subject;
    private final boolean meansDown;

    Metric(String wireName, SubjectKind subject, boolean meansDown) {
        this.wireName = wireName;
        this.subject = subject;
        this.meansDown = meansDown;
    }

    /** The name on the wire and in policy keys ({@code processingDelayMs}). */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** What the metric measures: an instance or a link. */
    public SubjectKind subject() {
        return subject;
    }

    /** Whether a degradation of this metric means the subject is down (not just hot or slow). */
    public boolean meansDown() {
        return meansDown;
    }

    /** The metrics of one kind of subject, in declaration order. */
    public static List<Metric> of(SubjectKind subject) {
        return Arrays.stream(values()).filter(m -> m.subject == subject).toList();
    }

    /**
     * The metric named {@code wireName}.
     *
     * @throws IllegalArgumentException naming the known metrics when there is none of that name
     */
    @JsonCreator
    public static Metric of(String wireName) {
        for (Metric m : values()) {
            if (m.wireName.equals(wireName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + wireName + "'; known: "
                + Arrays.stream(values()).map(Metric::wireName).toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
