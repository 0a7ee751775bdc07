package org.mistyproxy.config;

/**
 * What one instance (one borrower) of a deployment may hold at once, so that it cannot take what
 * other instances on the same server need. Every bound is per instance; a refusal names the quota.
 *
 * @param connections        client HTTP connections carrying this instance's proxy URL at once
 * @param inFlight           requests to the robot not yet answered
 * @param requestsPerSecond  sustained proxied requests per second (every verb and rule, GETs included)
 * @param burst              requests that may come at once before the rate applies
 * @param pubsubSockets      open {@code /pubsub} WebSockets
 * @param subscriptions      event subscriptions summed over the instance's sockets
 * @param wsMessagesPerSecond client messages per second summed over the instance's sockets
 */
public record Quotas(
        int connections,
        int inFlight,
        int requestsPerSecond,
        int burst,
        int pubsubSockets,
        int subscriptions,
        int wsMessagesPerSecond) {

    /**
     * A Misty II answers a few dozen REST calls a second and its {@code /pubsub} carries a few
     * hundred small events; one person driving it from a browser or a notebook needs a handful of
     * connections. The defaults leave ample room for that and stop one borrower from tying up
     * the server's connections, the robot's request handling or its event subscriptions.
     */
    public static final Quotas DEFAULTS = new Quotas(32, 16, 50, 100, 4, 20, 50);

    public Quotas {
        if (connections < 1 || inFlight < 1 || requestsPerSecond < 1 || burst < 1 || pubsubSockets < 1
                || subscriptions < 1 || wsMessagesPerSecond < 1) {
            throw new IllegalArgumentException("every quota must be at least 1");
        }
    }
}
