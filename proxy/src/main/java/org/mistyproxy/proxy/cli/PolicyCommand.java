package org.mistyproxy.proxy.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mistyproxy.policy.CanonicalRequest;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.policy.PolicyException;
import org.mistyproxy.policy.RequestCheck;
import org.mistyproxy.policy.RequestHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mistyproxy policy check|explain}: work on a policy file without starting the server. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Check a policy file, or explain what it decides for one request.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Explain.class})
public final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: check or explain");
    }

    /** A file, or the name of a shipped policy when no such file exists. */
    static Policy open(String fileOrName) throws PolicyException {
        Path file = Path.of(fileOrName);
        if (!Files.exists(file) && Policy.SHIPPED.contains(fileOrName)) {
            return Policy.shipped(fileOrName);
        }
        return Policy.load(file);
    }

    static void printErrors(PrintWriter err, PolicyException e) {
        for (ConfigError error : e.errors()) {
            err.println(error);
        }
        int n = e.errors().size();
        err.println(n + (n == 1 ? " error" : " errors"));
        err.flush();
    }

    /** {@code policy check FILE}: every problem with its line; exit 1 if there is any. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Report every problem in a policy file, each with its line; exit 1 if there is any.")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the policy file (or a shipped policy: allow-all, misty-safe,"
                + " misty-readonly)")
        String file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Policy p = open(file);
                out.println(p.source() + ": ok (" + p.summary() + ")");
                out.flush();
                return 0;
            } catch (PolicyException e) {
                printErrors(spec.commandLine().getErr(), e);
                return 1;
            }
        }
    }

    /** {@code policy explain FILE 'METHOD /path?query' [--body JSON]}: the decision, with its reason. */
    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Show the canonical form of a request and what the policy decides for it, and why.")
    static final class Explain implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the policy file (or a shipped policy name)")
        String file;

        @Parameters(index = "1", paramLabel = "REQUEST", description = "method and target as on the wire, e.g."
                + " 'POST /api/drive/time?x=1'")
        String request;

        @Option(names = "--body", paramLabel = "TEXT", description = "the request body")
        String body;

        @Option(names = {"-H", "--header"}, paramLabel = "NAME: VALUE", description = "a request header (repeatable)")
        List<String> headers = new ArrayList<>();

        @Option(names = "--instance", paramLabel = "ID", defaultValue = "explain",
                description = "instance id for rate limits (default: ${DEFAULT-VALUE})")
        String instance;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String[] parts = request.trim().split("\\s+");
            if (parts.length != 2) {
                throw new ParameterException(spec.commandLine(), "REQUEST must be a method and a target, such as"
                        + " 'POST /api/drive/time?x=1', not '" + request + "'");
            }
            Map<String, List<String>> headerMap = new LinkedHashMap<>();
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new ParameterException(spec.commandLine(), "--header must look like 'Name: value', not '"
                            + h + "'");
                }
                headerMap.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            Policy policy;
            try {
                policy = open(file);
            } catch (PolicyException e) {
                printErrors(spec.commandLine().getErr(), e);
                return 1;
            }
            String target = parts[1];
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? null : target.substring(q + 1);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            RequestCheck check = policy.check(new RequestHead(parts[0], path, query, headerMap,
                    body == null ? 0 : bytes.length), instance);
            PolicyDecision d;
            if (check.needsBody()) {
                d = bytes.length > check.bodyLimit() ? check.bodyTooLarge() : check.withBody(bytes);
            } else {
                d = check.decision();
            }
            CanonicalRequest c = d.canonical();
            out.println("policy:    " + policy.source());
            out.println("request:   " + parts[0] + " " + target + (body == null ? "" : " " + body));
            out.println((d.allowed() ? "canonical: " : "canonical: (not forwarded) ") + c);
            out.println("decision:  " + (d.allowed() ? "allowed" : "blocked") + " (HTTP " + d.httpStatus() + ", "
                    + d.rule() + ")");
            out.println("reason:    " + d.reason());
            if (d.allowed() && !d.redaction().isEmpty()) {
                out.println("redacts:   " + String.join(", ", d.redaction().paths()) + " (from the response)");
            }
            if (d.allowed() && d.leased()) {
                out.println("leased:    motion (lease: motion): stopped when the borrower is quiet for the deployment's"
                        + " motion_lease_ms");
            }
            out.flush();
            return 0;
        }
    }
}
