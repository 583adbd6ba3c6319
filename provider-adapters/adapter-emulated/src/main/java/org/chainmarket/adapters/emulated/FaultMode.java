package org.chainmarket.adapters.emulated;

/** How an {@link EmulatedDomain} misbehaves on purpose, so the broker's failure handling can be tested. */
public enum FaultMode {
    /** Carry out every command and answer it. */
    NONE,
    /** Answer every new command with a failure ({@code "injected failure"}) and leave the flow tables alone. */
    FAIL,
    /** Drop every command without answering, as a controller that lost its switches would. */
    SILENT
}
