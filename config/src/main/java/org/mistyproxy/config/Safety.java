package org.mistyproxy.config;

import java.util.List;
import java.util.OptionalInt;

/**
 * What keeps a loan of one deployment safe: leased motion, the actions run when a loan ends, the
 * checks before a loan begins, and the health probe.
 *
 * @param motionLeaseMs how long motion started by a leased command ({@code lease: motion} in the
 *                      policy) runs without a request or message from the borrower before
 *                      mistyproxy stops the robot; 0 turns leasing off
 * @param onEnd         commands sent to the robot when a loan ends, for any reason, in order
 * @param minBattery    the lowest battery level, in percent, at which the robot is lent
 *                      ({@code on_ready} refuses below it; the health probe locks below it)
 * @param health        the periodic probe
 */
public record Safety(int motionLeaseMs, List<RobotCommand> onEnd, OptionalInt minBattery, Health health) {
    /** 2 s: see config/README.md for why. */
    public static final int DEFAULT_MOTION_LEASE_MS = 2000;
    public static final List<RobotCommand> DEFAULT_ON_END = List.of(RobotCommand.DRIVE_STOP, RobotCommand.HALT);
    public static final Safety DEFAULT =
            new Safety(DEFAULT_MOTION_LEASE_MS, DEFAULT_ON_END, OptionalInt.empty(), Health.DEFAULT);

    public Safety {
        onEnd = List.copyOf(onEnd);
    }

    public Safety withMotionLeaseMs(int ms) {
        return new Safety(ms, onEnd, minBattery, health);
    }

    public Safety withOnEnd(List<RobotCommand> commands) {
        return new Safety(motionLeaseMs, commands, minBattery, health);
    }

    public Safety withMinBattery(int percent) {
        return new Safety(motionLeaseMs, onEnd, OptionalInt.of(percent), health);
    }

    public Safety withHealth(Health h) {
        return new Safety(motionLeaseMs, onEnd, minBattery, h);
    }
}
