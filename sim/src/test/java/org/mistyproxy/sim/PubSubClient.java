package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A /pubsub client on java.net.http.WebSocket that queues every message with its arrival time. */
final class PubSubClient implements AutoCloseable {
    record Received(long nanos, JsonNode json, String text) { }

    private final ObjectMapper json = new ObjectMapper();
    private final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    PubSubClient(String baseUrl) throws Exception {
        this(baseUrl, "/pubsub");
    }

    PubSubClient(String baseUrl, String path) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(baseUrl.replace("http://", "ws://") + path), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String text = partial.toString();
                            partial.setLength(0);
                            try {
                                inbox.add(new Received(System.nanoTime(), json.readTree(text), text));
                            } catch (Exception e) {
                                inbox.add(new Received(System.nanoTime(), null, text));
                            }
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** The next message, or an AssertionError after {@code seconds}. */
    Received next(double seconds) throws InterruptedException {
        Received r = inbox.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no message within " + seconds + " s");
        }
        return r;
    }

    Received poll(long millis) throws InterruptedException {
        return inbox.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
