package org.mistyproxy.proxy.control;

import java.net.URI;
import org.mistyproxy.proxy.access.ProxyToken;

/**
 * The URLs handed to users, built from {@code public_base_url} (or the listener's own address when
 * that is absent), so that a server behind a TLS terminator hands out the terminator's URLs.
 */
public final class PublicUrls {
    private final String base; // e.g. https://robots.example.org or http://127.0.0.1:8080, no trailing slash

    public PublicUrls(URI base) {
        String s = base.toString();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        this.base = s;
    }

    public String base() {
        return base;
    }

    /** {@code host:port/{token}}: what Misty's web tools take as a "Robot IP Address". */
    String shortProxyUrl(String token) {
        return base.substring(base.indexOf("://") + 3) + "/" + token;
    }

    /** {@code {base}/{sha256 hex of iid}/mistyproxy/{token}}: the prefix for code. */
    String longProxyUrl(String instanceId, String token) {
        return base + "/" + ProxyToken.sha256Hex(instanceId) + "/mistyproxy/" + token;
    }

    /** The WebSocket live feed of one camera. */
    String feedUrl(String instanceId, String cameraId, String token) {
        return wsBase() + "/addon/cam/" + instanceId + "/" + cameraId + "/feed/" + token;
    }

    /** The MJPEG stream of one camera (for an {@code <img>} tag). */
    String mjpegUrl(String instanceId, String cameraId, String token) {
        return base + "/addon/cam/" + instanceId + "/" + cameraId + "/mjpeg/" + token;
    }

    private String wsBase() {
        if (base.startsWith("https://")) return "wss://" + base.substring(8);
        if (base.startsWith("http://")) return "ws://" + base.substring(7);
        return base;
    }
}
