package org.chainmarket.broker.chain;

/** A concurrent transaction took the offer or link capacity selection counted on; retriable with a fresh selection. */
public class CapacityTakenException extends RuntimeException {
    private final boolean link;
    private final String subjectId;

    private CapacityTakenException(boolean link, String subjectId) {
        super((link ? "link " : "offer ") + subjectId + " no longer has the capacity selection counted on");
        this.link = link;
        this.subjectId = subjectId;
    }

    static CapacityTakenException offer(String offerId) {
        return new CapacityTakenException(false, offerId);
    }

    static CapacityTakenException link(String linkKey) {
        return new CapacityTakenException(true, linkKey);
    }

    /** Whether a link ({@code NetLink.key}) rather than an offer ran out. */
    public boolean isLink() {
        return link;
    }

    /** The offer id or link key. */
    public String subjectId() {
        return subjectId;
    }
}
