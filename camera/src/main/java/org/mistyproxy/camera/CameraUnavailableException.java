package org.mistyproxy.camera;

/** The camera cannot give a frame now; the message is what a user should see. */
public final class CameraUnavailableException extends Exception {

    CameraUnavailableException(String cameraId, String cause) {
        super("camera " + cameraId + " unavailable: " + cause);
    }
}
