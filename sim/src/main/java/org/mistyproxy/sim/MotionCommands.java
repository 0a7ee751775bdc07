package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/** Head, arms and wheels. Positions are kept in degrees whatever Units the caller used. */
final class MotionCommands {
    private final RobotState state;
    private final ObjectMapper json;
    private final EventStream events;

    MotionCommands(RobotState state, ObjectMapper json, EventStream events) {
        this.state = state;
        this.json = json;
        this.events = events;
    }

    void registerWith(RobotCommands commands) {
        commands.register("MoveHead", this::moveHead);
        commands.register("MoveArms", this::moveArms);
        commands.register("MoveArm", this::moveArm);
        commands.register("Drive", call -> {
            call.args().validate();
            return drive(call.args().requireNumber("LinearVelocity"), call.args().requireNumber("AngularVelocity"), 0);
        });
        commands.register("DriveTime", call -> {
            call.args().validate();
            return drive(call.args().requireNumber("LinearVelocity"), call.args().requireNumber("AngularVelocity"),
                    call.args().integer("TimeMs").orElseThrow());
        });
        for (String name : new String[] {"DriveArc", "DriveHeading", "DriveTrack"}) {
            commands.register(name, call -> {
                call.args().validate();
                events.locomotion(0.3, 0);
                return ok();
            });
        }
        commands.register("Stop", call -> {
            call.args().validate();
            state.stop();
            events.locomotion(0, 0);
            return ok();
        });
        commands.register("Halt", call -> {
            call.args().validate();
            state.halt();
            events.halted();
            events.locomotion(0, 0);
            return ok();
        });
    }

    private Reply drive(double linear, double angular, long timeMs) {
        state.drive(linear, angular, timeMs);
        events.locomotion(linear, angular);
        return ok();
    }

    private Reply moveHead(Call call) {
        Arguments a = call.args();
        a.validate();
        String units = units(a);
        double pitch = toDegrees("Pitch", a.requireNumber("Pitch"), units, -40, 26, 5, -0.1662, 0.6094);
        double roll = toDegrees("Roll", a.requireNumber("Roll"), units, -40, 40, 5, -0.75, 0.75);
        double yaw = toDegrees("Yaw", a.requireNumber("Yaw"), units, -81, 81, 5, -1.57, 1.57);
        state.head(pitch, roll, yaw);
        return ok();
    }

    private Reply moveArms(Call call) {
        Arguments a = call.args();
        a.validate();
        String units = units(a);
        Double left = a.number("LeftArmPosition").map(v -> armDegrees("LeftArmPosition", v, units)).orElse(null);
        Double right = a.number("RightArmPosition").map(v -> armDegrees("RightArmPosition", v, units)).orElse(null);
        state.arms(left, right);
        return ok();
    }

    private Reply moveArm(Call call) {
        Arguments a = call.args();
        a.validate();
        String arm = a.requireText("Arm").toLowerCase(Locale.ROOT);
        double degrees = armDegrees("Position", a.requireNumber("Position"), units(a));
        switch (arm) {
            case "left" -> state.arms(degrees, null);
            case "right" -> state.arms(null, degrees);
            case "both" -> state.arms(degrees, degrees);
            default -> throw new BadArgument("Cannot MoveArm - Parameter 'Arm' must be left, right or both, got '" + arm + "'.");
        }
        return ok();
    }

    private static String units(Arguments a) {
        return a.text("Units").orElse("degrees").toLowerCase(Locale.ROOT);
    }

    private static double armDegrees(String name, double value, String units) {
        return toDegrees(name, value, units, -29, 90, 10, Math.toRadians(-29), Math.toRadians(90));
    }

    /**
     * Checks the range for the caller's units, then converts. "position" is Misty's -N..N scale
     * mapped linearly onto the degree range.
     */
    private static double toDegrees(String name, double value, String units, double minDeg, double maxDeg,
                                    double positionSpan, double minRad, double maxRad) {
        double min;
        double max;
        switch (units) {
            case "radians" -> { min = minRad; max = maxRad; }
            case "position" -> { min = -positionSpan; max = positionSpan; }
            default -> { min = minDeg; max = maxDeg; }
        }
        if (value < min - 1e-9 || value > max + 1e-9) {
            throw new BadArgument("Parameter '" + name + "' is out of range [" + min + ", " + max + "] " + units + ": " + value + ".");
        }
        return switch (units) {
            case "radians" -> Math.toDegrees(value);
            case "position" -> minDeg + (value + positionSpan) / (2 * positionSpan) * (maxDeg - minDeg);
            default -> value;
        };
    }

    private Reply ok() {
        JsonNode t = json.getNodeFactory().booleanNode(true);
        return new Reply.Result(t);
    }
}
