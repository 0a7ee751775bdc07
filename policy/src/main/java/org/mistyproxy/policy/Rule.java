package org.mistyproxy.policy;

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
    final Rate rate;
    final long maxBodyBytes;
    final boolean rawBody;
    final Redaction redaction;
    /** {@code lease: motion}: the command moves the robot until told otherwise. */
    final boolean leased;

    private final String[] allowedReasons;

    /** A token-bucket rate: {@code count} requests per {@code periodNanos}, bursts up to {@code count}. */
    record Rate(long count, long periodNanos, String text) {}

    Rule(int index, String label, int methods, UriPattern uri, boolean block, Boolean hasBody, Boolean hasParams,
            boolean blockUnknown, ParamSchema[] schema, Rate rate,
            long maxBodyBytes, boolean rawBody, Redaction redaction, boolean leased) {
        this.index = index;
        this.label = label;
        this.methods = methods;
        this.uri = uri;
        this.block = block;
        this.hasBody = hasBody;
        this.hasParams = hasParams;
        this.blockUnknown = blockUnknown;
        this.schema = schema;
        this.rate = rate;
        this.maxBodyBytes = maxBodyBytes;
        this.rawBody = rawBody;
        this.redaction = redaction;
        this.leased = leased;
        this.allowedReasons = new String[Methods.NAMES.length];
        if (uri.isExact()) {
            for (int i = 0; i < Methods.NAMES.length; i++) {
                allowedReasons[i] = "allowed: " + Methods.NAMES[i] + " " + uri.text() + " (" + label + ")";
            }
        }
    }

    /** The schema index of a parameter (ASCII case-insensitive), or -1; no allocation. */
    int find(String name) {
        for (int i = 0; i < schema.length; i++) {
            if (Ascii.equalsIgnoreCase(schema[i].name, name)) {
                return i;
            }
        }
        return -1;
    }

    /** "allowed: POST /api/drive (rule 3, f.yaml:9)", precomputed for plain uris. */
    String allowedReason(int methodBit, String method, String path) {
        if (uri.isExact()) {
            return allowedReasons[Integer.numberOfTrailingZeros(methodBit)];
        }
        return "allowed: " + method + " " + path + " (" + label + ")";
    }
}
