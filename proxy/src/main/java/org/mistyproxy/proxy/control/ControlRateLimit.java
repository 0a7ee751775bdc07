package org.mistyproxy.proxy.control;

import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;
import org.mistyproxy.config.RateLimit;
import org.mistyproxy.policy.RateBuckets;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.gate.ControlEnvelope;

/**
 * The control API's rate limit ({@code control_api.rate_limit}), the first control admission link:
 * a token bucket per API token (the digest in the request's {@link UserGrant}; a user's two tokens,
 * say one per machine, have an allowance each, as on the rerobots API, whose limits are per token),
 * and per client address for calls without one (anonymous reads). Every answer it lets through carries
 * {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (seconds since the epoch when
 * the bucket is full again), as the rerobots API's do; past the limit it answers 429 with
 * {@code Retry-After} on the IO thread, before the API takes a worker.
 */
public final class ControlRateLimit implements HandlerWrapper {
    private static final HttpString LIMIT = new HttpString("X-RateLimit-Limit");
    private static final HttpString REMAINING = new HttpString("X-RateLimit-Remaining");
    private static final HttpString RESET = new HttpString("X-RateLimit-Reset");
    /** Callers remembered at once; the least recently seen beyond this start again with a full bucket. */
    private static final long MAX_CALLERS = 100_000;

    private final RateLimit rate;
    private final RateBuckets<String> buckets;
    private final LongSupplier wallMillis;

    public ControlRateLimit(RateLimit rate) {
        this(rate, System::nanoTime, System::currentTimeMillis);
    }

    ControlRateLimit(RateLimit rate, LongSupplier nanos, LongSupplier wallMillis) {
        this.rate = rate;
        this.buckets = new RateBuckets<>(MAX_CALLERS, rate.period().toNanos(), nanos);
        this.wallMillis = wallMillis;
    }

    @Override
    public HttpHandler wrap(HttpHandler next) {
        return ex -> {
            Grant g = ex.getAttachment(Grant.KEY);
            if (admit(ex, g instanceof UserGrant u ? u : null)) {
                next.handleRequest(ex);
            }
        };
    }

    /**
     * Counts one request against the allowance of the token {@code user} presented (the client
     * address's when null) and puts the headers on the answer; when the allowance is spent, answers
     * 429 and returns false.
     */
    boolean admit(HttpServerExchange ex, UserGrant user) {
        // Keyed by the token's digest, never by the token: the bucket table holds no secrets.
        String key = user != null ? "token:" + user.tokenSha256() : "address:" + address(ex);
        RateBuckets.Take t = buckets.take(key, rate.requests(), rate.period().toNanos());
        HeaderMap h = ex.getResponseHeaders();
        h.put(LIMIT, rate.requests());
        h.put(REMAINING, t.remaining());
        h.put(RESET, ceilDiv(wallMillis.getAsLong() + ceilDiv(t.nanosToFull(), 1_000_000), 1000));
        if (t.taken()) {
            return true;
        }
        long retry = Math.max(1, ceilDiv(t.nanosToNext(), 1_000_000_000));
        h.put(Headers.RETRY_AFTER, retry);
        ControlEnvelope.send(ex, 429, "rate limit exceeded: at most " + rate + (user != null ? " per API token"
                : " per client address without an API token") + "; retry in " + retry + " s");
        return false;
    }

    private static String address(HttpServerExchange ex) {
        InetSocketAddress a = ex.getSourceAddress();
        return a == null || a.getAddress() == null ? "unknown" : a.getAddress().getHostAddress();
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
