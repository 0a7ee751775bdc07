package org.mistyproxy.proxy.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotCommand;

/**
 * One look at a robot: does it answer, and how full is its battery. {@code GET /api/battery} is the
 * cheapest command that says both. Shared by the check before an instance becomes READY
 * ({@code on_ready}) and the periodic health probe, so both judge a robot the same way.
 */
public final class RobotProbe {
    /** The health probe's request: the cheapest command that says both. */
    public static final RobotCommand BATTERY = new RobotCommand("GET", "/api/battery", Optional.empty());
    /** on_ready's request: the device information, which carries the battery level too. */
    public static final RobotCommand DEVICE = new RobotCommand("GET", "/api/device", Optional.empty());

    /**
     * What one probe found.
     *
     * @param answered the robot answered 2xx
     * @param battery  the charge in percent (the robot reports {@code chargePercent} as a fraction),
     *                 when the answer had one
     * @param failure  why the robot counts as not answering, or null
     * @param micros   how long the probe took
     */
    public record Result(boolean answered, OptionalDouble battery, String failure, long micros) {

        /** Null when fit to lend; otherwise the reason, e.g. {@code battery 12% is below the deployment's minimum 20%}. */
        public String unfit(Deployment d) {
            if (!answered) {
                return failure;
            }
            if (d.safety().minBattery().isPresent()) {
                int min = d.safety().minBattery().getAsInt();
                if (battery.isEmpty()) {
                    return "the robot did not report its battery level, and the "
                            + "deployment's minimum is " + min + "%";
                }
                if (battery.getAsDouble() < min) {
                    return "battery " + percent(battery.getAsDouble()) + "% is below the deployment's minimum " + min + "%";
                }
            }
            return null;
        }
    }

    private final RobotCalls calls;
    private final RobotCommand request;
    private final ObjectMapper json = new ObjectMapper();

    /** {@code request}: {@link #BATTERY} or {@link #DEVICE}; both answers carry the battery level. */
    public RobotProbe(RobotCalls calls, RobotCommand request) {
        this.calls = calls;
        this.request = request;
    }

    public RobotCommand request() {
        return request;
    }

    /** Probes within {@code timeout}; never fails exceptionally. */
    public CompletableFuture<Result> probe(Deployment d, Duration timeout) {
        return calls.send(d.robot(), request, timeout).thenApply(o -> {
            if (o.error() != null) {
                return new Result(false, OptionalDouble.empty(), o.error(), o.micros());
            }
            if (o.status() < 200 || o.status() >= 300) {
                return new Result(false, OptionalDouble.empty(),
                        "the robot answered " + request.method() + " " + request.path() + " with status "
                                + o.status(), o.micros());
            }
            return new Result(true, charge(o.body()), null, o.micros());
        });
    }

    private OptionalDouble charge(byte[] body) {
        try {
            JsonNode result = json.readTree(body).path("result");
            JsonNode c = result.has("chargePercent") ? result.path("chargePercent") : result.path("batteryLevel").path("chargePercent");
            if (c.isNumber() && c.asDouble() >= 0 && c.asDouble() <= 1) {
                return OptionalDouble.of(c.asDouble() * 100);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the robot answered, but says nothing about its battery
        }
        return OptionalDouble.empty();
    }

    /** 12.3456 → "12", 0.4 → "0.4": whole percents unless below one. */
    static String percent(double p) {
        if (p >= 1 || p == 0) {
            return Long.toString((long) Math.floor(p));
        }
        return String.format(java.util.Locale.ROOT, "%.1f", p);
    }
}
