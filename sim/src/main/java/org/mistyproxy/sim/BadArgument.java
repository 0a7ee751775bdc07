package org.mistyproxy.sim;

/** A request the robot answers with 400 BadArgument; the message is the envelope's error text. */
final class BadArgument extends RuntimeException {
    BadArgument(String message) {
        super(message, null, false, false);
    }
}
