package org.mistyproxy.proxy.safety;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.RobotCommand;

/**
 * Requests mistyproxy sends to a robot on its own behalf (stops, lifecycle actions, health
 * probes), never on a borrower's request thread: each is asynchronous, with its own deadline, so a
 * slow or dead robot delays nothing else and every call ends with an {@link Outcome}.
 */
public final class RobotCalls {
    /** How a call ended: the robot's status and body, or why there was none. */
    public record Outcome(int status, byte[] body, String error, long micros) {
        public boolean ok() {
            return error == null && status >= 200 && status < 300;
        }

        /** "answered 200", "answered 503", or the error. */
        public String describe() {
            return error != null ? error : "answered " + status;
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    /** {@code timeout} bounds each call, from dialling to the end of the answer. */
    public RobotCalls(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public Duration timeout() {
        return timeout;
    }

    /** Sends one configured command. */
    public CompletableFuture<Outcome> send(RobotAddress robot, RobotCommand c) {
        return send(robot, c, timeout);
    }

    public CompletableFuture<Outcome> send(RobotAddress robot, RobotCommand c, Duration within) {
        HttpRequest.BodyPublisher body = c.body().map(HttpRequest.BodyPublishers::ofString)
                .orElse(c.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(""));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + robot.authority() + c.path()))
                .timeout(within)
                .header("User-Agent", "mistyproxy-safety")
                .method(c.method(), body);
        if (c.body().isPresent()) {
            b.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        String what = c.method() + " " + c.path();
        CompletableFuture<Outcome> out = new CompletableFuture<>();
        try {
            http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, err) -> {
                long micros = (System.nanoTime() - start) / 1000;
                if (err == null) {
                    out.complete(new Outcome(resp.statusCode(), resp.body(), null, micros));
                } else {
                    out.complete(new Outcome(0, null, describe(robot, what, err, timeout, within), micros));
                }
            });
        } catch (RuntimeException e) {
            out.complete(new Outcome(0, null, "the robot could not be called (" + e.getClass().getSimpleName() + ")", 0));
        }
        return out;
    }

    static String describe(RobotAddress robot, String what, Throwable err, Duration connect, Duration within) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        // Borrowers read these (INIT_FAIL reasons, lock reasons): the robot's address is not theirs
        // to know; the owner's configuration and the server log name it.
        String at = "the robot ";
        if (e instanceof HttpConnectTimeoutException) {
            return at + "did not accept a connection within " + Math.min(connect.toMillis(), within.toMillis()) + " ms";
        }
        if (e instanceof HttpTimeoutException) {
            return at + "did not answer " + what + " within " + within.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return at + "refused the connection";
        }
        return at + "failed " + what + " (" + e.getClass().getSimpleName() + ")";
    }
}
