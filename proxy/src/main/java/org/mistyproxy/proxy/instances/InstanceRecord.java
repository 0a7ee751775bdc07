package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the server knows about one instance, as persisted in the journal. Immutable: every
 * change makes a new record, which is appended to the journal before it becomes visible.
 *
 * @param id          the instance id (a random UUID)
 * @param deployment  the deployment it holds
 * @param user        the name of the API user that created it
 * @param status      where it is in its life
 * @param reason      why it is INIT_FAIL or why it ended (null otherwise)
 * @param startMillis creation time
 * @param endMillis   when it reached TERMINATED or INIT_FAIL (null before)
 * @param expiresAt   when it is terminated automatically ({@code expire_d}); null: never
 * @param proxyToken  the mistyproxy add-on token while the add-on is active, else null
 * @param camTokens   camera id to feed token while the cam add-on is active, else null
 * @param eurl        the event URL the client gave: POSTed on each status change
 * @param reservation the reservation this instance served, if any (so a crash cannot serve it twice)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceRecord(
        String id,
        UUID deployment,
        String user,
        InstanceStatus status,
        String reason,
        long startMillis,
        Long endMillis,
        Long expiresAt,
        String proxyToken,
        Map<String, String> camTokens,
        String eurl,
        String reservation) {

    /** Holds its deployment: a second instance of the same deployment is "busy". */
    public boolean live() {
        return status.live();
    }

    public boolean terminated() {
        return status.ended();
    }

    InstanceRecord withStatus(InstanceStatus s, String why, Long end) {
        return new InstanceRecord(id, deployment, user, s, why, startMillis, end, expiresAt, proxyToken, camTokens, eurl, reservation);
    }

    InstanceRecord withProxyToken(String t) {
        return new InstanceRecord(id, deployment, user, status, reason, startMillis, endMillis, expiresAt, t, camTokens, eurl, reservation);
    }

    InstanceRecord withCamTokens(Map<String, String> t) {
        return new InstanceRecord(id, deployment, user, status, reason, startMillis, endMillis, expiresAt, proxyToken, t, eurl, reservation);
    }
}
