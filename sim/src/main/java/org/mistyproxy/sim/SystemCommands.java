package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Device information, battery, LED, speech and reboot. */
final class SystemCommands {
    private final RobotState state;
    private final ObjectMapper json;
    private final EventStream events;

    SystemCommands(RobotState state, ObjectMapper json, EventStream events) {
        this.state = state;
        this.json = json;
        this.events = events;
    }

    void registerWith(RobotCommands commands) {
        commands.register("GetDeviceInformation", call -> new Reply.Result(device()));
        commands.register("GetBatteryLevel", call -> new Reply.Result(battery()));
        commands.register("ChangeLED", call -> {
            call.args().validate();
            int r = call.args().integer("Red").orElseThrow().intValue();
            int g = call.args().integer("Green").orElseThrow().intValue();
            int b = call.args().integer("Blue").orElseThrow().intValue();
            state.led(r, g, b);
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
        commands.register("Speak", call -> {
            call.args().validate();
            String text = call.args().requireText("Text");
            state.spoke(text);
            events.textToSpeechComplete(call.args().text("UtteranceId").orElse(""));
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
        commands.register("StartWifiHotspot", call -> {
            state.hotspot(true);
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
        commands.register("StopWifiHotspot", call -> {
            state.hotspot(false);
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
        commands.register("RestartRobot", call -> {
            call.args().validate();
            state.rebooted();
            return new Reply.Result(json.getNodeFactory().booleanNode(true));
        });
    }

    ObjectNode battery() {
        ObjectNode b = json.createObjectNode();
        b.put("chargePercent", Math.round(state.charge() * 10000) / 10000.0);
        b.put("created", Timestamps.now());
        b.put("current", state.driving() ? -1.1 : -0.441);
        b.putNull("healthPercent");
        b.put("isCharging", state.charging());
        b.put("sensorId", "charge");
        b.put("state", state.charging() ? "Charging" : "Discharging");
        b.put("temperature", 0);
        b.put("trained", false);
        b.put("voltage", Math.round((7.4 + 1.0 * state.charge()) * 1000) / 1000.0);
        return b;
    }

    private ObjectNode device() {
        ObjectNode d = json.createObjectNode();
        d.put("androidHostname", "misty-sim");
        d.put("androidOSVersion", "10");
        d.set("batteryLevel", battery());
        // As the docs describe: with the hotspot on, the profile is the access point's SSID and the
        // pre-shared key its password, in clear text (what a proxy must redact).
        if (state.hotspot()) {
            d.put("currentProfileName", "Misty-SIM00000000");
            d.put("currentPreSharedKey", "sim-hotspot-password-0451");
            d.put("ipAddress", "192.168.43.1");
        } else {
            d.put("currentProfileName", "SimNet");
            d.putNull("currentPreSharedKey");
            d.put("ipAddress", "127.0.0.1");
        }
        d.set("hardwareInfo", json.createObjectNode()
                .set("mcBoard", json.createObjectNode().put("boardId", "SIM-MC").put("firmware", "1.0.0.0").put("hardware", "Sim")));
        d.put("networkConnectivity", "Internet");
        d.set("outputCapabilities", json.createArrayNode().add("Display").add("Speaker").add("LED").add("Locomotion"));
        d.put("robotId", "00-00-5E-00-53-00");
        d.put("robotVersion", "1.29.0.10000");
        d.set("sensorCapabilities", json.createArrayNode().add("TimeOfFlight").add("Bump").add("Imu").add("RgbCamera"));
        d.put("sensoryServiceAppVersion", "1.29.0.10000");
        d.put("serialNumber", "SIM00000000");
        d.put("windowsOSVersion", "10.0.17763.1879");
        d.put("simulated", true);
        return d;
    }
}
