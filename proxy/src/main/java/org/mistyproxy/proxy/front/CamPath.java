package org.mistyproxy.proxy.front;

import io.undertow.util.AttachmentKey;

/**
 * A camera URL as the {@link Router} found it: {@code /addon/cam/{iid}/{camera}/{action}} (Bearer)
 * or {@code /addon/cam/{iid}/{camera}/{feed|mjpeg}/{feed token}} (capability).
 *
 * @param instanceId the instance id segment
 * @param camera     the camera id segment
 * @param action     {@code img}, {@code feed}, {@code mjpeg} or anything (answered 404 later)
 * @param feedToken  the feed token segment, or null when there is none
 * @param wellFormed false for shapes no handler takes ({@code feed} without token, {@code img/x}, ...)
 */
record CamPath(String instanceId, String camera, String action, String feedToken, boolean wellFormed) {

    static final AttachmentKey<CamPath> KEY = AttachmentKey.create(CamPath.class);

    /** The camera URL {@code path} names, or null when it is not under {@code /addon/cam/}. */
    static CamPath parse(RequestPath path) {
        if (!(path.first().equals("addon") && path.size() >= 5 && path.segment(1).equals("cam"))) {
            return null;
        }
        String action = path.segment(4);
        boolean capability = action.equals("feed") || action.equals("mjpeg");
        if (path.size() == 6 && capability) {
            return new CamPath(path.segment(2), path.segment(3), action, path.segment(5), true);
        }
        return new CamPath(path.segment(2), path.segment(3), action, null, path.size() == 5 && !capability);
    }
}
