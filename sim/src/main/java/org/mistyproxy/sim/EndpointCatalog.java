package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The robot's 224 REST commands, loaded from the endpoints.json copied into this module's
 * resources. Lookup is by verb and path, the path compared without regard to case and with a
 * trailing slash ignored.
 */
final class EndpointCatalog {
    private final Map<String, Endpoint> byVerbAndPath = new HashMap<>();
    private final Map<String, Endpoint> byName = new HashMap<>();

    static EndpointCatalog load(ObjectMapper json) {
        try (InputStream in = EndpointCatalog.class.getResourceAsStream("endpoints.json")) {
            if (in == null) {
                throw new IllegalStateException("endpoints.json missing from the sim module's resources");
            }
            return new EndpointCatalog(json.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read endpoints.json", e);
        }
    }

    private EndpointCatalog(JsonNode array) {
        for (JsonNode e : array) {
            List<EndpointParam> params = new ArrayList<>();
            e.path("params").forEach(p -> params.add(EndpointParam.from(p)));
            Endpoint endpoint = new Endpoint(e.path("name").asText(), e.path("verb").asText(),
                    e.path("path").asText(), List.copyOf(params), e.path("returns").asText(""),
                    e.path("stability").isTextual() ? e.path("stability").asText() : null);
            byVerbAndPath.put(key(endpoint.verb(), endpoint.path()), endpoint);
            for (JsonNode alt : e.path("alt_paths")) {
                byVerbAndPath.putIfAbsent(key(endpoint.verb(), alt.asText()), endpoint);
            }
            byName.put(endpoint.name(), endpoint);
        }
    }

    /** {@code path} is already percent-decoded and dot-segment resolved. */
    Optional<Endpoint> find(String verb, String path) {
        return Optional.ofNullable(byVerbAndPath.get(key(verb, path)));
    }

    boolean hasPath(String path) {
        for (String verb : List.of("GET", "POST", "DELETE", "PUT")) {
            if (byVerbAndPath.containsKey(key(verb, path))) {
                return true;
            }
        }
        return false;
    }

    Endpoint named(String name) {
        Endpoint e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no command named " + name + " in endpoints.json");
        }
        return e;
    }

    int size() {
        return byName.size();
    }

    private static String key(String verb, String path) {
        String p = path.toLowerCase(Locale.ROOT);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return verb.toUpperCase(Locale.ROOT) + " " + p;
    }
}
