package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which behaviour answers which command. Commands with real behaviour are registered by name by
 * the command groups ({@link SystemCommands}, {@link MotionCommands}, {@link MediaCommands}); every
 * other command in the catalog validates its parameters and answers a plausible result for its
 * documented return type.
 */
final class RobotCommands {
    private static final Set<String> RAW_BODY_COMMANDS = Set.of("SaveImage", "SaveAudio", "SaveVideo", "SaveSkillToRobot");

    private final Map<String, Command> byName = new HashMap<>();
    private final ObjectMapper json;
    private final RobotState state;

    RobotCommands(ObjectMapper json, RobotState state) {
        this.json = json;
        this.state = state;
    }

    void register(String name, Command command) {
        byName.put(name, command);
    }

    /** Uploads may send the file itself as the body instead of JSON. */
    boolean takesRawBody(Endpoint e) {
        return RAW_BODY_COMMANDS.contains(e.name());
    }

    Reply run(Call call) throws IOException {
        state.commandArrived();
        Command command = byName.get(call.endpoint().name());
        if (command != null) {
            return command.run(call);
        }
        call.args().validate();
        return new Reply.Result(defaultResult(call.endpoint()));
    }

    private JsonNode defaultResult(Endpoint e) {
        String returns = e.returns().toLowerCase(Locale.ROOT);
        JsonNodeFactory f = json.getNodeFactory();
        if (returns.startsWith("bool")) {
            return f.booleanNode(true);
        }
        if (returns.startsWith("array") || returns.startsWith("list")) {
            return f.arrayNode();
        }
        if (returns.startsWith("object")) {
            return f.objectNode();
        }
        if (returns.startsWith("string")) {
            return f.textNode("");
        }
        if (returns.startsWith("int") || returns.startsWith("float") || returns.startsWith("double")) {
            return f.numberNode(0);
        }
        return e.verb().equals("GET") ? f.nullNode() : f.booleanNode(true);
    }
}
