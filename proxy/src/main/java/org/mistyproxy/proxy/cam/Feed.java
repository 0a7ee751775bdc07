package org.mistyproxy.proxy.cam;

/** An open live feed, closed when its instance loses the cam add-on or the server stops. */
interface Feed extends Runnable {
    /** Ends the feed; a WebSocket client gets a close frame with this reason. */
    void close(String reason);
}
