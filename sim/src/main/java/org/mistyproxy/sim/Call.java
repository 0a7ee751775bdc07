package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One command call: the endpoint, its arguments, and the body: parsed JSON ({@code json}), a
 * multipart form ({@code multipart}), or neither, in which case {@code body} holds raw bytes.
 */
record Call(Endpoint endpoint, Arguments args, RequestBody body, String contentType, JsonNode json,
            MultipartBody multipart) {
}
