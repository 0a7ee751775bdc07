package org.mistyproxy.proxy.instances;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.mistyproxy.config.RobotAddress;

/**
 * Whether a robot is there to lend: {@code GET /api/device} must answer 200 within the timeout.
 * Asynchronous (the JDK client's own threads), so creating an instance never waits for a robot.
 */
final class RobotProbe {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RobotProbe.class);
    private final Duration timeout;
    private final HttpClient http;

    RobotProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Probes {@code robot}; {@code done} gets null when it answered, else why it is not usable. */
    void probe(RobotAddress robot, Consumer<String> done) {
        URI uri = URI.create("http://" + robot.authority() + "/api/device");
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            if (err == null && resp.statusCode() == 200) {
                done.accept(null);
            } else {
                // the reason is shown to the borrower, who must not learn the robot's address; the log names it
                LOG.warn("event=robot_probe_failed robot={} error=\"{}\"", robot,
                        err == null ? "status " + resp.statusCode() : err.toString());
                done.accept("the robot " + (err == null ? "answered GET /api/device with status " + resp.statusCode() : describe(err)));
            }
        });
    }

    private String describe(Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof HttpConnectTimeoutException) return "did not accept a connection within " + timeout.toMillis() + " ms";
        if (e instanceof HttpTimeoutException) return "did not answer GET /api/device within " + timeout.toMillis() + " ms";
        if (e instanceof ConnectException) return "refused the connection";
        return "failed to answer GET /api/device (" + e.getClass().getSimpleName() + ")";
    }
}
