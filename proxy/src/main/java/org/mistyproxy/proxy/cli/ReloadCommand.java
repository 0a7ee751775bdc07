package org.mistyproxy.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.config.ConfigException;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.MistyProxyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mistyproxy reload --config FILE}: asks the running server to re-read its configuration,
 * through the owner-only {@code POST /reload} rather than a signal, because a signal cannot carry
 * the answer back: this way a refused file's errors ({@code file:line:column path: problem}) are
 * printed here, and the command's exit status says whether the new configuration is in force.
 *
 * <p>The file is checked here first (a broken one is not sent for nothing) and names the server
 * ({@code public_base_url}, else {@code listen}); the server re-reads its own file, the one it was
 * started with. The owner's API token comes from the environment, never the command line (which
 * other users of the machine can read).
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Make the running server re-read its configuration file (as SIGHUP does) and print what changed,",
            "or every error of a refused file (the running configuration then stays).",
            "Needs an owner's API token in the environment variable MISTYPROXY_API_TOKEN.",
            "Exit status: 0 reloaded, 1 refused or server unreachable, 2 bad usage."
        })
final class ReloadCommand implements Callable<Integer> {
    static final String TOKEN_ENV = "MISTYPROXY_API_TOKEN";

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the configuration file the server was started with")
    Path config;

    @Option(names = "--url", paramLabel = "URL",
            description = "the server's base URL (default: public_base_url, else from listen in the file)")
    URI url;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MistyProxyConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println("mistyproxy reload: " + config + " has errors; nothing sent, the running configuration stays:");
            for (ConfigError error : e.errors()) err.println(error);
            return 1;
        }
        String token = System.getenv(TOKEN_ENV);
        if (token == null || token.isBlank()) {
            err.println("mistyproxy reload: set " + TOKEN_ENV + " to an owner's API token");
            return 1;
        }
        URI base = url != null ? url : baseOf(cfg);
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + "/reload"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("mistyproxy reload: cannot reach the server at " + base + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        JsonNode body;
        try {
            body = new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            err.println("mistyproxy reload: " + base + " answered " + r.statusCode() + ", not JSON: " + r.body());
            return 1;
        }
        if (r.statusCode() == 200) {
            out.println("reloaded: " + body.path("added").size() + " deployment(s) added, " + body.path("removed").size()
                    + " removed, " + body.path("changed").size() + " changed; " + body.path("users").asInt() + " user(s)");
            body.path("added").forEach(d -> out.println("added deployment " + d.asText()));
            body.path("removed").forEach(d -> out.println("removed deployment " + d.asText()));
            body.path("changed").forEach(d -> out.println("changed deployment " + d.asText()));
            body.path("terminated").forEach(i -> out.println("terminated instance " + i.asText()));
            body.path("restart_needed").forEach(f -> out.println("changed but needs a restart: " + f.asText()));
            return 0;
        }
        if (body.has("errors")) {
            err.println("mistyproxy reload: refused, the running configuration stays:");
            body.path("errors").forEach(e -> err.println(e.asText()));
        } else {
            err.println("mistyproxy reload: " + r.statusCode() + " " + body.path("error_message").asText(r.body()));
        }
        return 1;
    }

    /** The server's own URL from the file: {@code public_base_url}, else {@code listen} (a wildcard host means this machine). */
    static URI baseOf(MistyProxyConfig cfg) {
        if (cfg.publicBaseUrl().isPresent()) return cfg.publicBaseUrl().get();
        String host = cfg.listen().host();
        if (host.equals("0.0.0.0")) host = "127.0.0.1";
        if (host.equals("::")) host = "::1";
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return URI.create((cfg.tls().isPresent() ? "https" : "http") + "://" + host + ":" + cfg.listen().port());
    }
}
