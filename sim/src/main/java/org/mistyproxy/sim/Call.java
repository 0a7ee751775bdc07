package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;

/** One command call: which endpoint, its arguments, and the body when it was not JSON. */
record Call(Endpoint endpoint, Arguments args, RequestBody body, String contentType, JsonNode json) {
}
