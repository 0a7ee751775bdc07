package org.mistyproxy.proxy.store;

/**
 * A change could not be made durable, so it did not happen: nothing in memory changed and the file
 * is back at its last complete line. {@link #publicMessage} is what a client may be told; the cause
 * (with the file's path) stays in the server log.
 */
public final class ChangeNotStored extends RuntimeException {
    private final boolean noSpace;

    ChangeNotStored(String message, boolean noSpace, Throwable cause) {
        super(message, cause);
        this.noSpace = noSpace;
    }

    /** True when the disk (or the file system's quota) is full. */
    public boolean noSpace() {
        return noSpace;
    }

    /** Safe to show a client: no paths, no exception names. */
    public String publicMessage() {
        return noSpace ? "cannot store the change: no space left on the server"
                : "cannot store the change: the server cannot write its data";
    }
}
