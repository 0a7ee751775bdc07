package org.mistyproxy.config;

/** Where the robot's REST API and {@code /pubsub} answer, as {@code host:port}. */
public record RobotAddress(String host, int port) {

    /** {@code host:port}, with IPv6 literals bracketed. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
