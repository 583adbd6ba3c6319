package org.chainmarket.broker.chain;

/** A concurrent order took the capacity selection counted on; retriable with a fresh selection. */
public class CapacityTakenException extends RuntimeException {
    private final String offerId;

    public CapacityTakenException(String offerId) {
        super("offer " + offerId + " no longer has the capacity selection counted on");
        this.offerId = offerId;
    }

    public String offerId() {
        return offerId;
    }
}
