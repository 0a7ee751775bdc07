package org.mistyproxy.camera;

/**
 * The camera cannot give a frame now; the message is what a borrower may see: it never names the
 * source (paths, hosts) nor a class; the server log has those.
 */
public final class CameraUnavailableException extends Exception {

    CameraUnavailableException(String cameraId, String cause) {
        super("camera " + cameraId + " unavailable: " + cause);
    }
}
