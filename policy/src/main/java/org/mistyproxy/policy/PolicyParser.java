package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.mistyproxy.config.DocumentReader;
import org.mistyproxy.config.Node;

/**
 * Reads a policy file (the rrhttp format plus our extensions) and reports every problem at once,
 * each with its line and column, instead of stopping at the first. The YAML itself is read by
 * config's {@link DocumentReader} (so duplicate keys, anchors and aliases are refused exactly as
 * in a configuration file); this class reads the top level and hands each section to its reader:
 * {@link RuleSection} (with {@link SchemaSection} for parameters) and {@link WebSocketSection}.
 */
final class PolicyParser {
    private static final String EMPTY = "the file is empty; a policy needs at least default: allow or default: block";
    private static final List<String> TOP_ORDER = List.of("default", "rules", "websocket");

    private final PolicyFile file;
    private final LongSupplier clock;
    private final LenientJson json;

    PolicyParser(String file, LongSupplier clock, LenientJson json) {
        this.file = new PolicyFile(file);
        this.clock = clock;
        this.json = json;
    }

    Policy parse(String text) throws PolicyException {
        Optional<Node> read = DocumentReader.readYaml(text, file.problems, EMPTY);
        if (read.isEmpty()) {
            throw failure();
        }
        Value root = new Value(read.get());
        if (root.isNull()) {
            file.error(root, "", EMPTY);
            throw failure();
        }
        if (!root.isMap()) {
            file.error(root, "", "a policy is a map with default, rules and websocket, not " + root.shown());
            throw failure();
        }
        file.unknownKeys(root, "", TOP_ORDER);
        boolean defaultAllow = false;
        int defaultLine = 1;
        Value def = root.get("default");
        if (def == null) {
            file.error(root, "default", "missing: say default: allow or default: block");
        } else {
            defaultLine = def.line();
            Boolean allow = file.allowOrBlock(def, "default");
            defaultAllow = allow != null && allow;
        }
        List<Rule> rules = new ArrayList<>();
        Value rulesNode = root.get("rules");
        if (rulesNode != null && !rulesNode.isNull()) {
            if (!rulesNode.isList()) {
                file.error(rulesNode, "rules", "must be a list of rules, not " + rulesNode.shown());
            } else {
                RuleSection section = new RuleSection(file, new SchemaSection(file), json);
                List<Value> items = rulesNode.list();
                for (int i = 0; i < items.size(); i++) {
                    Rule r = section.rule(items.get(i), i);
                    if (r != null) {
                        rules.add(r);
                    }
                }
            }
        }
        int wsKeyLine = root.entries().stream().filter(e -> e.key().equals("websocket"))
                .mapToInt(e -> e.keyAt().line()).findFirst().orElse(0);
        WsConfig ws = new WebSocketSection(file, clock, json).read(root.get("websocket"), wsKeyLine, defaultAllow,
                defaultLine);
        if (!file.problems.isEmpty()) {
            throw failure();
        }
        return new Policy(file.name, defaultAllow, defaultLine, rules.toArray(new Rule[0]), ws, json, clock);
    }

    private PolicyException failure() {
        return new PolicyException(file.problems.inFileOrder());
    }
}
