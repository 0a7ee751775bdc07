package org.mistyproxy.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds requests the way the proxy would hand them to the policy, and runs both phases. */
final class Send {
    private Send() {}

    /** {@code target} is {@code /path?query} as on the wire; {@code body} is null for none. */
    static PolicyDecision decide(Policy p, String method, String target, String body) {
        return decide(p, method, target, body, Map.of(), "instance-1");
    }

    static PolicyDecision decide(Policy p, String method, String target, String body,
            Map<String, List<String>> headers, String instance) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        RequestCheck c = p.check(new RequestHead(method, path, query, headers, bytes == null ? 0 : bytes.length),
                instance);
        if (!c.needsBody()) {
            return c.decision();
        }
        return bytes.length > c.bodyLimit() ? c.bodyTooLarge() : c.withBody(bytes);
    }

    static Policy policy(String yaml) {
        try {
            return Policy.parse(yaml, "test.yaml");
        } catch (PolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static String body(PolicyDecision d) {
        return d.canonical().body().map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }
}
