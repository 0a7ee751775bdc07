package org.mistyproxy.proxy.relay;

import io.undertow.client.ClientRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.mistyproxy.policy.CanonicalRequest;
import org.xnio.channels.StreamSinkChannel;

/**
 * The request the robot gets: exactly the canonical one the policy checked (method, target,
 * body), with the client's end-to-end headers, {@code Host} set to the robot, and our own
 * {@code X-Forwarded-*}.
 */
final class ForwardedRequest {
    private ForwardedRequest() {}

    /**
     * @param body          the canonical body to send, or null
     * @param stream        whether the client's body is streamed through unread (its length, if declared, is kept)
     * @param robotHost     the robot's {@code host:port}
     * @param clientAddress the client's address, never the client's own claim
     */
    static ClientRequest of(CanonicalRequest c, HttpServerExchange exchange, byte[] body, boolean stream,
            String robotHost, String clientAddress) {
        // The canonical path and query are already encoded for the wire: forwarded as they are.
        ClientRequest req = new ClientRequest()
                .setMethod(HttpString.tryFromString(c.method()))
                .setPath(c.target());
        HeaderMap from = exchange.getRequestHeaders();
        HeaderMap to = req.getRequestHeaders();
        HopHeaders.copyRequest(from, to);
        to.put(Headers.HOST, robotHost);
        to.put(Headers.X_FORWARDED_FOR, clientAddress);
        to.put(Headers.X_FORWARDED_PROTO, exchange.getRequestScheme());
        String host = from.getFirst(Headers.HOST);
        if (host != null) {
            to.put(Headers.X_FORWARDED_HOST, host);
        }
        if (body != null) {
            to.put(Headers.CONTENT_LENGTH, body.length);
            to.put(Headers.CONTENT_TYPE, c.contentType() != null ? c.contentType() : "application/json");
        } else if (stream) {
            String type = from.getFirst(Headers.CONTENT_TYPE);
            if (type != null) {
                to.put(Headers.CONTENT_TYPE, type);
            }
            long length = exchange.getRequestContentLength();
            if (length >= 0) {
                to.put(Headers.CONTENT_LENGTH, length);
            } else {
                to.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
        } else if (req.getMethod().equals(Methods.POST) || req.getMethod().equals(Methods.PUT)
                || req.getMethod().equals(Methods.PATCH)) {
            to.put(Headers.CONTENT_LENGTH, 0);
        }
        return req;
    }

    /** Writes the (small) canonical body without blocking, then ends the request: {@code sent}, or {@code broke}. */
    static void writeBody(StreamSinkChannel sink, ByteBuffer buf, Runnable sent, Consumer<IOException> broke) {
        try {
            while (buf.hasRemaining()) {
                if (sink.write(buf) == 0) {
                    sink.getWriteSetter().set(ch -> {
                        ch.suspendWrites();
                        writeBody(sink, buf, sent, broke);
                    });
                    sink.resumeWrites();
                    return;
                }
            }
            sink.shutdownWrites();
            if (!sink.flush()) {
                sink.getWriteSetter().set(ch -> {
                    try {
                        if (ch.flush()) {
                            ch.suspendWrites();
                            sent.run();
                        }
                    } catch (IOException e) {
                        broke.accept(e);
                    }
                });
                sink.resumeWrites();
                return;
            }
            sent.run();
        } catch (IOException e) {
            broke.accept(e);
        }
    }

    /** Whether repeating {@code method} cannot do more than doing it once (RFC 9110 9.2.2). */
    static boolean idempotent(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("PUT")
                || method.equals("DELETE");
    }
}
