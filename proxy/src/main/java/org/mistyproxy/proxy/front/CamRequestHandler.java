package org.mistyproxy.proxy.front;

import io.undertow.server.HttpServerExchange;
import org.mistyproxy.proxy.access.CamTarget;

/**
 * The cam add-on's data plane ({@code img}, {@code feed}, {@code mjpeg}), implemented by the camera
 * helper. The server routes {@code /addon/cam/{iid}/{camera id}/{action}[/{feed token}]} here after
 * checking access; called on an IO thread.
 */
@FunctionalInterface
public interface CamRequestHandler {

    /**
     * @param action the path segment after the camera id: {@code img}, or {@code feed} / {@code mjpeg}
     *               (those two only reach here with a valid feed token), or anything else the
     *               handler may answer with 404
     */
    void handle(HttpServerExchange exchange, CamTarget target, String action) throws Exception;
}
