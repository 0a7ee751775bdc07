package org.mistyproxy.config;

import java.util.Optional;

/**
 * One command mistyproxy itself sends to a robot (a lifecycle action such as {@code on_end}),
 * written in the configuration as {@code "POST /api/drive/stop"} or with a JSON body,
 * {@code 'POST /api/head {"Pitch": 0, "Roll": 0, "Yaw": 0, "Velocity": 50}'}.
 *
 * @param method an HTTP method in upper case
 * @param path   an absolute path on the robot, without query
 * @param body   a JSON object as text, sent with {@code Content-Type: application/json}
 */
public record RobotCommand(String method, String path, Optional<String> body) {
    /** Misty's {@code Stop}: ends a drive. */
    public static final RobotCommand DRIVE_STOP = new RobotCommand("POST", "/api/drive/stop", Optional.empty());
    /** Misty's {@code Halt}: stops every motor (drive, head, arms). */
    public static final RobotCommand HALT = new RobotCommand("POST", "/api/halt", Optional.empty());

    /** As written in the configuration. */
    @Override
    public String toString() {
        return method + " " + path + body.map(b -> " " + b).orElse("");
    }
}
