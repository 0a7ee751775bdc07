package org.mistyproxy.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends exact bytes over a plain socket, for requests HttpClient would normalise or refuse. */
final class RawHttp {
    private RawHttp() {}

    /** Sends {@code request} and returns the whole response (the request must ask to close). */
    static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String request(String method, String target, String body, String... headers) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        sb.append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        sb.append("\r\n");
        if (body != null) {
            sb.append(body);
        }
        return sb.toString();
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static String body(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }
}
