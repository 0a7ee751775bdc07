package org.mistyproxy.proxy.ws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A borrower's script: the JDK's WebSocket client, recording everything it receives. */
final class TestSocket implements WebSocket.Listener {
    record Closed(int code, String reason) {}

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    static TestSocket open(HttpClient http, String uri) throws Exception {
        TestSocket s = new TestSocket();
        s.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(uri), s).get(10, TimeUnit.SECONDS);
        return s;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    /** The next text message, or fails after the timeout. */
    String next(long millis) throws InterruptedException {
        String t = texts.poll(millis, TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("no message within " + millis + " ms");
        }
        return t;
    }

    /** The next message containing {@code needle}, skipping others. */
    String nextContaining(String needle, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            String t = texts.poll(Math.max(left, 0), TimeUnit.MILLISECONDS);
            if (t == null) {
                throw new AssertionError("no message containing " + needle + " within " + millis + " ms");
            }
            if (t.contains(needle)) {
                return t;
            }
        }
    }

    Closed awaitClose(long millis) throws Exception {
        return closed.get(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.add(StandardCharsets.UTF_8.decode(message.duplicate()).toString());
        return WebSocket.Listener.super.onPing(webSocket, message);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
    }
}
