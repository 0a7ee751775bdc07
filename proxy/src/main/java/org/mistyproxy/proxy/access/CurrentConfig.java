package org.mistyproxy.proxy.access;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The configuration in force: one {@link LiveConfig} behind an atomic reference. Readers call
 * {@link #get()} once per request and use that snapshot throughout (no lock on the hot path); a
 * reload {@link #swap swaps} in a completely built and validated snapshot.
 */
public final class CurrentConfig {
    private final AtomicReference<LiveConfig> current;

    public CurrentConfig(LiveConfig initial) {
        this.current = new AtomicReference<>(initial);
    }

    public LiveConfig get() {
        return current.get();
    }

    /** Puts {@code next} in force and returns the one it replaced. */
    public LiveConfig swap(LiveConfig next) {
        return current.getAndSet(next);
    }
}
