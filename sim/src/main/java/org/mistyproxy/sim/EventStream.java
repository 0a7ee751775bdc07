package org.mistyproxy.sim;

/** Placeholder until the pub/sub module lands in this branch. */
final class EventStream implements AutoCloseable {
    void textToSpeechComplete(String utteranceId) {
    }

    int closeAll(int code, String reason) {
        return 0;
    }

    void bump(String sensorId) {
    }

    @Override
    public void close() {
    }
}
