package org.mistyproxy.proxy.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client written on a plain socket, for what library clients will not do: send the
 * exact headers a browser sends, look at a refused upgrade's HTTP answer, and stop reading with
 * a tiny receive buffer to play a stalled client.
 */
final class RawUpgrade implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final String statusLine;
    final String headers;
    private final SecureRandom random = new SecureRandom();

    private RawUpgrade(Socket socket, String statusLine, String headers) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.statusLine = statusLine;
        this.headers = headers;
    }

    /** Sends the upgrade with {@code extraHeaders} (CRLF-terminated lines) and reads the answer's head. */
    static RawUpgrade connect(int port, String path, String connectionHeader, String extraHeaders, int receiveBuffer)
            throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String req = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Connection: " + connectionHeader + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + extraHeaders
                + "\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        return new RawUpgrade(s, eol < 0 ? text : text.substring(0, eol), text);
    }

    int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** The body of a non-101 answer (Content-Length framed). */
    String body() throws IOException {
        int at = headers.toLowerCase().indexOf("content-length:");
        if (at < 0) {
            return "";
        }
        int len = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    /** Sends one masked text frame, as a client must. */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** One frame from the server: opcode and payload; null at end of stream. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.read();
        if (b1 < 0) {
            return null;
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | (in.read() & 0xff);
            }
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
            return null;
        }
        return new Frame(b0 & 0x0f, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
