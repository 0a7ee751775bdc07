package org.mistyproxy.policy;

import java.util.Map;

/** One entry of a policy's {@code rules}, compiled: what it matches and what it demands. */
final class Rule {
    /** Body size limit when a rule does not set {@code max_body_bytes}: 1 MiB. */
    static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

    final int index;
    final String label;
    final int methods;
    final UriPattern uri;
    final boolean block;
    final Boolean hasBody;
    final Boolean hasParams;
    final boolean blockUnknown;
    final ParamSchema[] schema;
    final Map<String, ParamSchema> byLowerName;
    final Rate rate;
    final long maxBodyBytes;
    final boolean rawBody;
    final Redaction redaction;

    /** A token-bucket rate: {@code count} requests per {@code periodNanos}, bursts up to {@code count}. */
    record Rate(long count, long periodNanos, String text) {}

    Rule(int index, String label, int methods, UriPattern uri, boolean block, Boolean hasBody, Boolean hasParams,
            boolean blockUnknown, ParamSchema[] schema, Map<String, ParamSchema> byLowerName, Rate rate,
            long maxBodyBytes, boolean rawBody, Redaction redaction) {
        this.index = index;
        this.label = label;
        this.methods = methods;
        this.uri = uri;
        this.block = block;
        this.hasBody = hasBody;
        this.hasParams = hasParams;
        this.blockUnknown = blockUnknown;
        this.schema = schema;
        this.byLowerName = byLowerName;
        this.rate = rate;
        this.maxBodyBytes = maxBodyBytes;
        this.rawBody = rawBody;
        this.redaction = redaction;
    }
}
