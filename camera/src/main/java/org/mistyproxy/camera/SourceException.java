package org.mistyproxy.camera;

import java.io.IOException;

/**
 * A source failed in a way we can describe: the message (for the server log) names the source,
 * {@link #shown()} says the same without it, for borrowers.
 */
final class SourceException extends IOException {

    private final String shown;

    SourceException(String message, String shown) {
        super(message);
        this.shown = shown;
    }

    SourceException(String message, String shown, Throwable cause) {
        super(message, cause);
        this.shown = shown;
    }

    String shown() {
        return shown;
    }
}
