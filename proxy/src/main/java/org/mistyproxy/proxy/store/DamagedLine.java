package org.mistyproxy.proxy.store;

import java.io.IOException;

/** A complete line in the middle of a durable log cannot be read: the server refuses to start. */
public final class DamagedLine extends IOException {
    private final int line;

    DamagedLine(String message, int line) {
        super(message);
        this.line = line;
    }

    /** The 1-based number of the damaged line. */
    public int line() {
        return line;
    }
}
