package org.mistyproxy.proxy.ws;

import java.util.Set;

/**
 * Event types the robot streams on a timer whether or not anything changed (events.json marks
 * them {@code periodic}). A newer message of the same stream supersedes an older one, so these
 * are the only robot messages a slow client may lose; everything else (registration status,
 * bump, touch, face, audio events) is delivered or the client is closed.
 */
final class PeriodicEvents {
    private static final Set<String> TYPES = Set.of(
            "ActuatorPosition", "BatteryCharge", "DriveEncoders", "IMU", "PRUMessage", "SelfState", "TimeOfFlight");

    private PeriodicEvents() {}

    static boolean isPeriodic(String type) {
        return type != null && TYPES.contains(type);
    }
}
