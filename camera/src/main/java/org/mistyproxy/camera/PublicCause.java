package org.mistyproxy.camera;

import java.util.regex.Pattern;

/**
 * Turns why a source failed into words a borrower may see. The server log keeps the whole story;
 * borrowers never see where a source lives (file paths, device paths, stream hosts) nor class
 * names. Our own failures ({@link SourceException}) carry their borrower wording; other I/O errors
 * keep theirs with the source, any path, URL or class name replaced; anything else (a runtime
 * error from the natives) becomes a fixed sentence.
 */
final class PublicCause {

    static final String SOURCE = "its source";
    static final String INTERNAL = "the capture failed (details in the server log)";

    /** Any absolute path left over (e.g. one FFmpeg quoted), as a last line of defence. */
    private static final Pattern PATH = Pattern.compile("(?<![\\w:/.])/[^\\s\"']+");
    /** Any URL left over. */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S*");
    /** Fully qualified Java class names, e.g. {@code java.io.IOException}. */
    private static final Pattern CLASS = Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*\\b");

    private PublicCause() {}

    static String of(Throwable e, SourceAddress source) {
        if (e instanceof SourceException s) {
            return scrub(s.shown(), source);
        }
        if (!(e instanceof java.io.IOException) || e.getMessage() == null) {
            return INTERNAL;
        }
        return scrub(e.getMessage(), source);
    }

    static String scrub(String message, SourceAddress source) {
        String s = message.replace(source.location(), SOURCE).replace(source.display(), SOURCE);
        s = URL.matcher(s).replaceAll("a stream");
        s = PATH.matcher(s).replaceAll("a file");
        return CLASS.matcher(s).replaceAll("an internal error");
    }
}
