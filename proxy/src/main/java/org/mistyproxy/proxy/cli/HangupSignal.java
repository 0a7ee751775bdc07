package org.mistyproxy.proxy.cli;

import java.io.PrintWriter;
import org.mistyproxy.proxy.control.ReloadOutcome;
import org.mistyproxy.proxy.server.ProxyServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code SIGHUP} reloads the configuration, as daemons conventionally do.
 *
 * <p>Why {@code sun.misc.Signal}: the JDK has no public API for any signal but the ones that end
 * the JVM (shutdown hooks). {@code sun.misc.Signal} lives in the {@code jdk.unsupported} module,
 * which is exported on purpose for such uses and is what servers on the JVM rely on; the
 * alternatives (JNI, JNA) bring natives for one call. The JVM runs the handler on a thread of its
 * own, so a reload never holds up a request. Where there is no {@code HUP} (Windows), the server
 * says so once and {@code POST /reload} remains.
 */
final class HangupSignal {
    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {}

    static void install(ProxyServer server, PrintWriter err) {
        try {
            Signal.handle(new Signal("HUP"), s -> {
                ReloadOutcome o = server.reload("SIGHUP");
                if (!o.applied()) {
                    // The log has them too; a terminal running `serve` in the foreground sees them here.
                    err.println("mistyproxy: reload refused, the running configuration stays:");
                    for (String e : o.errors()) err.println(e);
                    err.flush();
                }
            });
        } catch (IllegalArgumentException e) {
            LOG.warn("event=sighup_unavailable error=\"{}\" hint=\"reload with POST /reload or mistyproxy reload\"", e.getMessage());
        }
    }
}
