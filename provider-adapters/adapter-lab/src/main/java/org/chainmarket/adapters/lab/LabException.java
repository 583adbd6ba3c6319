package org.chainmarket.adapters.lab;

/** The lab could not be built, driven or read; the message names the command and its error output. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
