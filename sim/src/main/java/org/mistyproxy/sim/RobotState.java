package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The simulated robot's body: LED, head, arms, wheels and battery. Commands change it, events and
 * {@code GET /_sim/state} read it. The battery drains with time, faster while driving, so a long
 * session shows a falling charge. All access is synchronized; it is tiny and rarely contended.
 */
final class RobotState {
    private static final double IDLE_DRAIN_PER_S = 0.0001;
    private static final double DRIVE_DRAIN_PER_S = 0.0005;
    private static final double COMMAND_DRAIN = 0.00001;

    private int red = 0;
    private int green = 0;
    private int blue = 255;
    private double headPitch;
    private double headRoll;
    private double headYaw;
    private double leftArm = 90;
    private double rightArm = 90;
    private double linearVelocity;
    private double angularVelocity;
    private long driveUntilNanos = Long.MAX_VALUE;
    private double leftDistanceMm;
    private double rightDistanceMm;
    private double charge = 0.95;
    private boolean charging;
    private long lastUpdateNanos = System.nanoTime();
    private String lastSpoken = "";
    private String lastAudio = "";
    /** On by default so that GET /api/device shows the secret the real robot leaks (hotspot password). */
    private boolean hotspot = true;
    /** The WebSocket message version: "Current" (default) or "Deprecated" (adds type and sensorName). */
    private String websocketVersion = "Current";
    private int reboots;
    private int halts;
    private long commands;

    synchronized void led(int r, int g, int b) {
        advance();
        red = r;
        green = g;
        blue = b;
    }

    synchronized int[] led() {
        return new int[] {red, green, blue};
    }

    synchronized void head(double pitch, double roll, double yaw) {
        advance();
        headPitch = pitch;
        headRoll = roll;
        headYaw = yaw;
    }

    synchronized double[] head() {
        return new double[] {headPitch, headRoll, headYaw};
    }

    synchronized void arms(Double left, Double right) {
        advance();
        if (left != null) {
            leftArm = left;
        }
        if (right != null) {
            rightArm = right;
        }
    }

    synchronized double[] arms() {
        return new double[] {leftArm, rightArm};
    }

    /** Starts driving; {@code durationMs <= 0} drives until stopped, like the robot's Drive. */
    synchronized void drive(double linear, double angular, long durationMs) {
        advance();
        linearVelocity = linear;
        angularVelocity = angular;
        driveUntilNanos = durationMs > 0 ? System.nanoTime() + durationMs * 1_000_000L : Long.MAX_VALUE;
    }

    synchronized void stop() {
        advance();
        linearVelocity = 0;
        angularVelocity = 0;
    }

    synchronized void halt() {
        stop();
        halts++;
    }

    synchronized boolean driving() {
        advance();
        return linearVelocity != 0 || angularVelocity != 0;
    }

    synchronized double[] velocities() {
        advance();
        return new double[] {linearVelocity, angularVelocity};
    }

    synchronized double[] encoders() {
        advance();
        return new double[] {leftDistanceMm, rightDistanceMm};
    }

    synchronized double charge() {
        advance();
        return charge;
    }

    /** Sets the battery (the {@code PUT /_sim/state} knob); a null leaves that part as it is. */
    synchronized void battery(Double chargePercent, Boolean isCharging) {
        advance();
        if (chargePercent != null) {
            charge = chargePercent;
        }
        if (isCharging != null) {
            charging = isCharging;
        }
    }

    synchronized boolean charging() {
        return charging;
    }

    synchronized void spoke(String text) {
        advance();
        lastSpoken = text;
    }

    synchronized void played(String fileName) {
        advance();
        lastAudio = fileName;
    }

    synchronized void websocketVersion(String version) {
        websocketVersion = version;
    }

    synchronized boolean deprecatedWebSocketVersion() {
        return websocketVersion.equals("Deprecated");
    }

    synchronized String websocketVersion() {
        return websocketVersion;
    }

    synchronized void hotspot(boolean on) {
        hotspot = on;
    }

    synchronized boolean hotspot() {
        return hotspot;
    }

    synchronized void rebooted() {
        stop();
        reboots++;
    }

    synchronized void commandArrived() {
        commands++;
        charge = Math.max(0, charge - COMMAND_DRAIN);
    }

    /** Moves time forward: ends timed drives, integrates the encoders, drains the battery. */
    private void advance() {
        long now = System.nanoTime();
        long end = Math.min(now, driveUntilNanos);
        boolean moving = linearVelocity != 0 || angularVelocity != 0;
        if (moving && end > lastUpdateNanos) {
            double seconds = (end - lastUpdateNanos) / 1e9;
            // LinearVelocity is a percentage of the top speed (about 0.5 m/s on Misty II).
            double mm = linearVelocity / 100.0 * 500 * seconds;
            double turn = angularVelocity / 100.0 * 150 * seconds;
            leftDistanceMm += mm - turn;
            rightDistanceMm += mm + turn;
        }
        double seconds = (now - lastUpdateNanos) / 1e9;
        if (!charging) {
            charge = Math.max(0, charge - seconds * (moving ? DRIVE_DRAIN_PER_S : IDLE_DRAIN_PER_S));
        }
        if (now >= driveUntilNanos) {
            linearVelocity = 0;
            angularVelocity = 0;
            driveUntilNanos = Long.MAX_VALUE;
        }
        lastUpdateNanos = now;
    }

    synchronized ObjectNode toJson(ObjectMapper json) {
        advance();
        ObjectNode o = json.createObjectNode();
        o.putObject("led").put("red", red).put("green", green).put("blue", blue);
        o.putObject("head").put("pitch", headPitch).put("roll", headRoll).put("yaw", headYaw);
        o.putObject("arms").put("left", leftArm).put("right", rightArm);
        o.putObject("drive").put("driving", linearVelocity != 0 || angularVelocity != 0)
                .put("linearVelocity", linearVelocity).put("angularVelocity", angularVelocity)
                .put("leftDistanceMm", leftDistanceMm).put("rightDistanceMm", rightDistanceMm);
        o.putObject("battery").put("chargePercent", charge).put("isCharging", charging);
        o.put("lastSpoken", lastSpoken);
        o.put("lastAudio", lastAudio);
        o.put("hotspot", hotspot);
        o.put("websocketVersion", websocketVersion);
        o.put("reboots", reboots);
        o.put("halts", halts);
        o.put("commands", commands);
        return o;
    }
}
