package org.mistyproxy.proxy.relay;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * Timeouts without a timer per request. Each IO thread keeps the requests that wait on a
 * deadline in an array and checks them every {@value #TICK_MS} ms with one periodic task, so
 * arming and disarming a timeout is a field write, not an insertion into XNIO's timer tree (which
 * showed up in profiles at tens of thousands of requests a second). Timeouts fire up to one tick
 * late, which is nothing next to seconds.
 */
final class Deadlines {
    static final long TICK_MS = 50;

    /**
     * Something with a deadline (a request phase, a body the policy waits for), watched by its IO
     * thread's list; its slot in the list is the list's. One deadline at a time.
     */
    abstract static class Watched {
        private int slot = -1;
        private long deadline = Long.MAX_VALUE;
        private OnThread list;

        /** Watches until {@code at} (nanoTime) on {@code list}, the caller's IO thread's. */
        final void watch(long at, OnThread on) {
            deadline = at;
            list = on;
            on.add(this);
        }

        /** A later deadline for what is watched already (from {@link #expired}: it moved since). */
        final void moveDeadline(long at) {
            deadline = at;
        }

        /** No longer watched (idempotent). */
        final void unwatch() {
            deadline = Long.MAX_VALUE;
            if (list != null) {
                list.remove(this);
            }
        }

        final long deadline() {
            return deadline;
        }

        /** The deadline passed; runs on the IO thread and may unwatch or move the deadline. */
        abstract void expired(long now);
    }

    /** One IO thread's list. Used only on that thread. */
    static final class OnThread implements Runnable {
        private final XnioIoThread thread;
        private Watched[] items = new Watched[64];
        private volatile int size;
        private volatile XnioExecutor.Key tick;
        private volatile boolean stopped;

        OnThread(XnioIoThread thread) {
            this.thread = thread;
        }

        /**
         * Schedules the next check. Each tick schedules the next itself, rather than XNIO's
         * executeAtInterval, so that a worker shutting down ends the ticks quietly: XNIO's repeating
         * task prints a RejectedExecutionException when its thread is terminating.
         */
        void schedule() {
            if (stopped) {
                return;
            }
            try {
                tick = thread.executeAfter(this, TICK_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // The worker is stopping and this thread with it: nothing will wait long.
                stopped = true;
            }
        }

        void stop() {
            stopped = true;
            XnioExecutor.Key key = tick;
            if (key != null) {
                key.remove();
            }
        }

        void add(Watched w) {
            if (w.slot >= 0) {
                return;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            w.slot = size;
            items[size++] = w;
        }

        void remove(Watched w) {
            int i = w.slot;
            if (i < 0) {
                return;
            }
            Watched last = items[--size];
            items[i] = last;
            last.slot = i;
            items[size] = null;
            w.slot = -1;
        }

        int size() {
            return size;
        }

        @Override
        public void run() {
            try {
                check();
            } finally {
                schedule(); // after stop() at most one more tick runs
            }
        }

        /** Expires every item whose deadline has passed. */
        void check() {
            long now = System.nanoTime();
            // Downwards: removing item i moves the last item (already checked) into slot i.
            for (int i = size - 1; i >= 0; i--) {
                if (i < size && items[i].deadline() <= now) {
                    items[i].expired(now);
                }
            }
        }
    }

    private final ThreadLocal<OnThread> lists = new ThreadLocal<>();
    private final Set<OnThread> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** The list of the calling IO thread, started on first use. */
    OnThread on(XnioIoThread thread) {
        OnThread list = lists.get();
        if (list == null) {
            list = new OnThread(thread);
            lists.set(list);
            if (!closed) {
                all.add(list);
                list.schedule();
            }
        }
        return list;
    }

    /**
     * Requests waiting on a deadline, over all IO threads. Read from another thread the count may
     * be a moment old; once the relay is idle it is exact (and must be 0: a request that ended and
     * stayed in a list would be checked every tick for ever).
     */
    int watched() {
        int n = 0;
        for (OnThread list : all) {
            n += list.size;
        }
        return n;
    }

    void close() {
        closed = true;
        for (OnThread list : all) {
            list.stop();
        }
    }
}
