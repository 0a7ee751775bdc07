package org.mistyproxy.camera;

import java.time.Instant;
import java.util.Optional;

/**
 * What a camera's capture loop is doing.
 *
 * @param state       IDLE (no holder), STARTING (no frame yet), RUNNING, or FAILED (reconnecting)
 * @param cause       why it failed, when FAILED
 * @param sequence    number of the newest frame, 0 if none
 * @param capturedAt  when the newest frame was captured
 */
public record CameraStatus(State state, Optional<String> cause, long sequence, Optional<Instant> capturedAt) {

    public enum State { IDLE, STARTING, RUNNING, FAILED }
}
