package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;

/** REST commands about the event stream itself: the event classes and the message version. */
final class EventCommands {
    private final EventTemplates templates;
    private final RobotState state;
    private final ObjectMapper json;

    EventCommands(EventTemplates templates, RobotState state, ObjectMapper json) {
        this.templates = templates;
        this.state = state;
        this.json = json;
    }

    void registerWith(RobotCommands commands) {
        commands.register("GetWebsocketNames", call -> {
            call.args().validate();
            return new Reply.Result(templates.classes(call.args().text("websocketClass").orElse(null)));
        });
        commands.register("GetWebsocketVersion", call -> new Reply.Result(json.getNodeFactory().textNode(state.websocketVersion())));
        commands.register("SetWebsocketVersion", call -> {
            call.args().validate(); // the catalog's enum admits Current and Deprecated only
            String version = call.args().requireText("version");
            state.websocketVersion(version.equalsIgnoreCase("Deprecated") ? "Deprecated" : "Current");
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
    }
}
