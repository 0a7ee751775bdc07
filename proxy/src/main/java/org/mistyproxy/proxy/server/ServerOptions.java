package org.mistyproxy.proxy.server;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings that are not in the configuration file because only tests and the CLI change them.
 *
 * @param initTimeout   how long {@code on_ready}'s probe, {@code GET /api/device} (its answer carries the
 *                      battery level), waits for the robot before the instance goes {@code INIT_FAIL};
 *                      the probe runs once the deployment's queued {@code on_end} commands are done,
 *                      which this does not bound (each of those has its own 2 s deadline)
 * @param shutdownGrace how long a graceful shutdown waits for in-flight requests
 * @param clock         the time source for start/end times and {@code expire_d}
 * @param housekeeping  how often ended instances past their retention are forgotten and a failed
 *                      journal write is retried
 * @param skipDamagedJournalLines start even if a line in the middle of a store file in the data folder is unreadable
 *                      (it is dropped with a warning); {@code serve --skip-damaged-journal-lines}
 * @param bodyDeadline  how long a request body read before a decision may take to arrive (then 408,
 *                      closed): a control-API body, or a proxied body the policy reads
 */
public record ServerOptions(Duration initTimeout, Duration shutdownGrace, Clock clock, Duration housekeeping,
        boolean skipDamagedJournalLines, Duration bodyDeadline) {

    public ServerOptions(Duration initTimeout, Duration shutdownGrace, Clock clock) {
        this(initTimeout, shutdownGrace, clock, Duration.ofMinutes(10), false, Duration.ofSeconds(10));
    }

    public static ServerOptions defaults() {
        return new ServerOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), Clock.systemUTC());
    }

    public ServerOptions withInitTimeout(Duration d) {
        return new ServerOptions(d, shutdownGrace, clock, housekeeping, skipDamagedJournalLines, bodyDeadline);
    }

    public ServerOptions withShutdownGrace(Duration d) {
        return new ServerOptions(initTimeout, d, clock, housekeeping, skipDamagedJournalLines, bodyDeadline);
    }

    public ServerOptions withClock(Clock c) {
        return new ServerOptions(initTimeout, shutdownGrace, c, housekeeping, skipDamagedJournalLines, bodyDeadline);
    }

    public ServerOptions withHousekeeping(Duration d) {
        return new ServerOptions(initTimeout, shutdownGrace, clock, d, skipDamagedJournalLines, bodyDeadline);
    }

    public ServerOptions withBodyDeadline(Duration d) {
        return new ServerOptions(initTimeout, shutdownGrace, clock, housekeeping, skipDamagedJournalLines, d);
    }

    public ServerOptions withSkipDamagedJournalLines(boolean skip) {
        return new ServerOptions(initTimeout, shutdownGrace, clock, housekeeping, skip, bodyDeadline);
    }
}
