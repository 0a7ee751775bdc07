package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the always-on sensors report right now, built from the event templates and the robot's
 * state: one message per sensor for TimeOfFlight and ActuatorPosition, one message for IMU,
 * BatteryCharge and DriveEncoders.
 */
final class SensorReadings {
    /** Canonical type names (EventTemplates.canonicalType) of the types that stream without a trigger. */
    private static final Set<String> PERIODIC = Set.of("TimeOfFlight", "BatteryCharge", "IMU", "ActuatorPosition", "DriveEncoders");

    private final EventTemplates templates;
    private final RobotState state;

    SensorReadings(EventTemplates templates, RobotState state) {
        this.templates = templates;
        this.state = state;
    }

    static boolean periodic(String type) {
        return PERIODIC.contains(type);
    }

    /** Every message the type would send this instant, in sensor order. */
    List<ObjectNode> read(String type) {
        List<ObjectNode> out = new ArrayList<>();
        switch (type) {
            case "TimeOfFlight" -> {
                for (JsonNode sensor : templates.sensors(type)) {
                    ObjectNode m = templates.message(type);
                    boolean edge = "Edge".equals(sensor.path("type").asText());
                    double distance = edge ? 0.027 + jitter(0.003) : 1.2 + jitter(0.05);
                    m.put("sensorId", sensor.path("sensorId").asText());
                    m.put("sensorName", sensor.path("sensorName").asText());
                    m.put("sensorPosition", sensor.path("sensorPosition").asText());
                    m.put("type", sensor.path("type").asText());
                    m.put("distanceInMeters", Math.round(distance * 1000) / 1000.0);
                    m.put("inHazard", false);
                    m.put("status", 0);
                    out.add(m);
                }
            }
            case "ActuatorPosition" -> {
                double[] head = state.head();
                double[] arms = state.arms();
                double[] values = {head[0], head[2], head[1], arms[0], arms[1]};
                List<JsonNode> sensors = templates.sensors(type);
                for (int i = 0; i < sensors.size(); i++) {
                    ObjectNode m = templates.message(type);
                    m.put("sensorId", sensors.get(i).path("sensorId").asText());
                    m.put("sensorName", sensors.get(i).path("sensorName").asText());
                    m.put("value", i < values.length ? values[i] : 0);
                    out.add(m);
                }
            }
            case "IMU" -> {
                double[] enc = state.encoders();
                ObjectNode m = templates.message(type);
                // Yaw follows the wheels: the difference of the two distances over the track width.
                m.put("yaw", Math.round(Math.toDegrees((enc[1] - enc[0]) / 190.0) % 360 * 1000) / 1000.0);
                m.put("pitch", Math.round(jitter(0.2) * 1000) / 1000.0);
                m.put("roll", Math.round(jitter(0.2) * 1000) / 1000.0);
                m.put("yawVelocity", state.velocities()[1]);
                m.put("zAcceleration", 9.8);
                out.add(m);
            }
            case "BatteryCharge" -> {
                ObjectNode m = templates.message(type);
                double charge = state.charge();
                m.put("chargePercent", Math.round(charge * 10000) / 10000.0);
                m.put("voltage", Math.round((7.4 + charge) * 1000) / 1000.0);
                m.put("isCharging", state.charging());
                m.put("state", "Discharging");
                out.add(m);
            }
            case "DriveEncoders" -> {
                double[] enc = state.encoders();
                double[] v = state.velocities();
                ObjectNode m = templates.message(type);
                m.put("leftDistance", Math.round(enc[0]));
                m.put("rightDistance", Math.round(enc[1]));
                m.put("leftVelocity", Math.round((v[0] - v[1] * 0.3) * 5));
                m.put("rightVelocity", Math.round((v[0] + v[1] * 0.3) * 5));
                out.add(m);
            }
            default -> { }
        }
        return out;
    }

    private static double jitter(double amplitude) {
        return (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * 2 - 1) * amplitude;
    }
}
